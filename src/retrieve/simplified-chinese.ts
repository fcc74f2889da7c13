import * as OpenCC from "opencc-js";

/**
 * Questions in traditional characters (Hong Kong, Taiwan investors: "長治高新區有哪些優惠政策？")
 * are searched in simplified Chinese, the corpus's script, via OpenCC's conversion tables.
 */
let converter: ((text: string) => string) | undefined;

export function toSimplified(text: string): string {
  if (!/[\u3400-\u9fff]/.test(text)) return text;
  const convert = (converter ??= OpenCC.Converter({ from: "tw", to: "cn" }));
  return convert(text);
}
