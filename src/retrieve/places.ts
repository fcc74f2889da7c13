import type { ChunkStore } from "../index/chunk-store.js";
import type { Gazetteer } from "../ingest/gazetteer.js";
import { escapeRegExp } from "../core/language.js";
import { detectZones, zoneKindSurfaces, type ZoneMention } from "../ingest/zones.js";

/**
 * Which places a question names, and which places each article is *about*. An article merely
 * mentioning 杭州 (a trip there) is not about 杭州高新区, so retrieval filters on the places an
 * article is about: those in its title and those it keeps returning to.
 */

interface PlacesFound {
  places: string[];
  zoneNames: string[];
}

export interface PlaceResolver {
  inChinese(text: string): PlacesFound;
  /** As inChinese, for a question: a zone named once with a place no list knows ("碧江高新区") counts. */
  inChineseQuestion(text: string): PlacesFound;
  inEnglish(text: string): PlacesFound;
  /** Is this English word (or phrase) a place name the gazetteer knows? */
  isEnglishPlace(word: string): boolean;
  english(place: string): string;
}

export function createPlaceResolver(gazetteer: Gazetteer): PlaceResolver {
  const found = (zones: ZoneMention[], text: string): PlacesFound => {
    const places = unique([...zones.map((zone) => zone.place).filter(Boolean), ...gazetteer.placesInText(text)]);
    return { places: dropContained(places), zoneNames: unique(zones.map((zone) => zone.name)) };
  };
  return {
    inChinese(text) {
      return found(detectZones(text), text);
    },
    inChineseQuestion(text) {
      const result = found(detectZones(text, { question: true }), text);
      const parks = result.places.filter((place) => subParkAfterZone(text, place));
      return parks.length > 0 && parks.length < result.places.length ? { ...result, places: result.places.filter((place) => !parks.includes(place)) } : result;
    },
    inEnglish(text) {
      const places = dropContained(unique(gazetteer.placesInEnglish(text)));
      const parks = places.filter((place) => subParkOfZoneEn(text, gazetteer.english(place)));
      return { places: parks.length > 0 && parks.length < places.length ? places.filter((place) => !parks.includes(place)) : places, zoneNames: [] };
    },
    isEnglishPlace(word) {
      return gazetteer.placesInEnglish(word).length > 0;
    },
    english(place) {
      return gazetteer.english(place);
    },
  };
}

const subParkSuffix = "(?:园区|片区|分园|分区|组团|园)";

/**
 * "霍尔果斯经济开发区伊宁园区": a place named right after a zone, as one of its parks, is part of that zone's
 * name, not a second subject to compare with it.
 */
function subParkAfterZone(text: string, place: string): boolean {
  return new RegExp(`(?:${zoneKindSurfaces.join("|")})${escapeRegExp(place)}(?:市|县)?${subParkSuffix}`, "u").test(text);
}

/** "the Yining Park of the Khorgos Economic Development Zone": the park is part of the zone named after it. */
function subParkOfZoneEn(text: string, english: string): boolean {
  if (!english) return false;
  return new RegExp(`\\b${escapeRegExp(english)}\\s+(?:sub-?)?(?:park|area|cluster)\\s+(?:of|in)\\b`, "iu").test(text);
}

/** 安康 and 安康市 name the same place; keep the shorter, canonical form. */
function dropContained(places: string[]): string[] {
  return places.filter((place) => !places.some((other) => other !== place && place.startsWith(other) && place.length - other.length <= 1));
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

export interface ArticlePlaces {
  /**
   * place → positions of the chunks of articles about it, ascending (the zone filter's lists).
   * Typed arrays: 4 bytes per entry, the only per-chunk data a process keeps besides the index.
   */
  chunksByPlace: Map<string, Uint32Array>;
  /** Every place some article is about. */
  all: Set<string>;
}

/**
 * Places an article is about: named in its title, or among its most mentioned places. Candidates
 * are the article's zones from ingest (shared by all its chunks), so this stays linear in the
 * corpus size instead of scanning every text for every known place. The store hands over one
 * article at a time, so the texts are never all in the heap at once.
 */
export function computeArticlePlaces(chunks: ChunkStore, resolver: PlaceResolver): ArticlePlaces {
  const placeOfName = new Map<string, string[]>();
  const placesOf = (name: string): string[] => {
    let places = placeOfName.get(name);
    if (!places) {
      places = resolver.inChinese(name).places;
      // A place ingest read from the text that no list knows ("郧" of 郧县经济开发区) is its own place.
      if (places.length === 0 && name.length <= 3 && !/(?:区|园|县|市|省|州)$/u.test(name)) places = [name];
      placeOfName.set(name, places);
    }
    return places;
  };
  const all = new Set<string>();
  const positionsByPlace = new Map<string, number[]>();
  chunks.forEachArticle(({ positions, chunks: list }) => {
    const shared = list.reduce<string[]>((common, chunk) => common.filter((zone) => chunk.zones.includes(zone)), list[0]!.zones);
    const candidates = unique(shared.flatMap(placesOf));
    const title = list[0]!.title;
    const counts = candidates.map((place) => {
      let count = title.includes(place) ? 1000 : 0;
      for (const chunk of list) count += chunk.text.split(place).length - 1;
      return { place, count };
    });
    const top = Math.max(0, ...counts.map((item) => item.count));
    const places = counts.filter((item) => item.count >= Math.min(top, Math.max(2, top * 0.3))).map((item) => item.place);
    for (const place of places) {
      all.add(place);
      const known = positionsByPlace.get(place);
      if (known) known.push(...positions);
      else positionsByPlace.set(place, [...positions]);
    }
  });
  const chunksByPlace = new Map<string, Uint32Array>();
  // Articles come in order of their first chunk; an article's chunks need not be contiguous.
  for (const [place, positions] of positionsByPlace) chunksByPlace.set(place, Uint32Array.from(positions).sort());
  return { all, chunksByPlace };
}
