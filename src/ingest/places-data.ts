/**
 * Bundled Chinese place names (provinces, prefecture-level cities, notable counties, county-level
 * cities and national new areas) with their provinces. Zone detection uses them to find where a
 * zone name starts ("看长治高新区" → 长治), and the gazetteer derives English names from them, so a
 * question about a zone that no corpus document has named yet still resolves. Names are given
 * without the 市/县/地区 suffix, the way zone names use them.
 */

type PlaceKind = "省" | "市" | "县" | "新区";

export interface PlaceEntry {
  zh: string;
  province: string;
  kind: PlaceKind;
}

const provinces: Record<string, string> = {
  河北: "河北",
  山西: "山西",
  内蒙古: "内蒙古",
  辽宁: "辽宁",
  吉林: "吉林",
  黑龙江: "黑龙江",
  江苏: "江苏",
  浙江: "浙江",
  安徽: "安徽",
  福建: "福建",
  江西: "江西",
  山东: "山东",
  河南: "河南",
  湖北: "湖北",
  湖南: "湖南",
  广东: "广东",
  广西: "广西",
  海南: "海南",
  四川: "四川",
  贵州: "贵州",
  云南: "云南",
  西藏: "西藏",
  陕西: "陕西",
  甘肃: "甘肃",
  青海: "青海",
  宁夏: "宁夏",
  新疆: "新疆",
  香港: "香港",
  澳门: "澳门",
  台湾: "台湾",
};

/** Prefecture-level cities (and autonomous prefectures by their short names), per province. */
const cities: Record<string, string> = {
  北京: "北京",
  天津: "天津",
  上海: "上海",
  重庆: "重庆",
  河北: "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水",
  山西: "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁",
  内蒙古: "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安 锡林郭勒 阿拉善",
  辽宁: "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛",
  吉林: "长春 吉林 四平 辽源 通化 白山 松原 白城 延边",
  黑龙江: "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭",
  江苏: "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁",
  浙江: "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水",
  安徽: "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城",
  福建: "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德",
  江西: "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶",
  山东: "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽",
  河南: "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源",
  湖北: "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 仙桃 潜江 天门",
  湖南: "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西",
  广东: "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮",
  广西: "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左",
  海南: "海口 三亚 三沙 儋州",
  四川: "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝 甘孜 凉山",
  贵州: "贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南 黔东南 黔南",
  云南: "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆",
  西藏: "拉萨 日喀则 昌都 林芝 山南 那曲 阿里",
  陕西: "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛 杨凌",
  甘肃: "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南",
  青海: "西宁 海东 海西 海北 海南州 黄南 果洛 玉树",
  宁夏: "银川 石嘴山 吴忠 固原 中卫",
  新疆: "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰 石河子 阿拉尔 图木舒克 五家渠",
};

/** Counties, county-level cities and districts that host zones or often appear in zone news. */
const counties: Record<string, string> = {
  河北: "迁安 任丘 定州 辛集 武安 三河 涿州 固安",
  山西: "高平 陵川 五台 大宁 孝义 介休 古交 侯马 霍州 河津 永济 原平 泽州 沁水 阳城 襄垣 潞城 屯留 清徐 平遥 洪洞",
  内蒙古: "满洲里 二连浩特 准格尔",
  辽宁: "瓦房店 海城 庄河",
  江苏: "昆山 江阴 宜兴 常熟 张家港 太仓 溧阳 丹阳 靖江 泰兴 如皋 海门 启东 邳州 新沂 沭阳 东台 仪征 句容 吴江 武进 江宁 浦口",
  浙江: "义乌 慈溪 余姚 诸暨 海宁 桐乡 乐清 瑞安 温岭 东阳 永康 平湖 嘉善 长兴 德清 萧山 余杭",
  安徽: "天长 桐城 宁国 明光 界首 广德 无为",
  福建: "晋江 石狮 南安 福清 长乐 龙海 永安 武夷山 福安",
  江西: "丰城 樟树 贵溪 瑞金 井冈山 南康 共青城 临川",
  山东: "寿光 龙口 莱州 招远 诸城 青州 胶州 即墨 平度 荣成 邹城 滕州 曲阜 章丘 邹平 黄岛",
  河南: "巩义 新郑 登封 长葛 禹州 永城 林州 偃师 汝州 新密 荥阳 长垣",
  湖北: "大冶 宜都 枝江 汉川 应城 钟祥 京山 赤壁 麻城 武穴",
  湖南: "浏阳 宁乡 醴陵 湘乡 韶山 耒阳 常宁 汨罗 临湘 资兴 冷水江 涟源 吉首",
  广东: "顺德 南海 番禺 增城 从化 台山 开平 鹤山 恩平 英德 普宁 四会 高要 阳春 廉江 雷州",
  广西: "凭祥 东兴 北流 桂平 宜州",
  海南: "琼海 文昌 万宁 五指山 东方 澄迈",
  四川: "都江堰 彭州 邛崃 崇州 简阳 什邡 广汉 绵竹 江油 峨眉山 阆中 华蓥 万源 西昌 天府",
  贵州: "清镇 赤水 仁怀 凯里 都匀 兴义 盘州",
  云南: "安宁 宣威 瑞丽 景洪 蒙自 个旧 开远 腾冲",
  陕西: "兴平 韩城 华阴 神木 府谷 彬州 子长 旬阳 汉阴 紫阳 石泉 平利 岚皋 白河 镇坪 宁陕",
  甘肃: "玉门 敦煌 华亭",
  新疆: "库尔勒 奎屯 霍尔果斯 阿拉山口 伊宁 博乐",
  天津: "滨海 武清 宝坻 静海 蓟州",
  北京: "中关村 亦庄 顺义 大兴 昌平 通州 海淀 朝阳区",
  上海: "浦东 张江 临港 嘉定 松江 青浦 闵行 金山 奉贤 漕河泾",
  重庆: "两江 涪陵 永川 璧山 万州 江津 合川 长寿",
};

/** National and provincial new areas whose names are not cities (雄安新区 → 雄安). */
const newAreas: Record<string, string> = {
  河北: "雄安",
  陕西: "西咸",
  甘肃: "兰州新区",
  贵州: "贵安",
  四川: "天府新区",
  浙江: "舟山群岛",
  福建: "福州新区",
  广东: "南沙",
  辽宁: "金普",
  吉林: "长春新区",
  黑龙江: "哈尔滨新区",
  江西: "赣江",
  云南: "滇中",
  湖南: "湘江",
  江苏: "江北",
};

function expand(table: Record<string, string>, kind: PlaceKind): PlaceEntry[] {
  return Object.entries(table).flatMap(([province, names]) =>
    names
      .split(/\s+/)
      .filter((name) => name.length > 0 && !name.endsWith("新区"))
      .map((zh) => ({ zh, province, kind })),
  );
}

/** Every bundled place, provinces first; a name appears once (the first, most general, entry wins). */
export const placeEntries: PlaceEntry[] = (() => {
  const all = [
    ...Object.keys(provinces).map((zh) => ({ zh, province: zh, kind: "省" as const })),
    ...expand(cities, "市"),
    ...expand(counties, "县"),
    ...expand(newAreas, "新区"),
  ];
  const seen = new Set<string>();
  return all.filter((entry) => {
    if (seen.has(entry.zh)) return false;
    seen.add(entry.zh);
    return true;
  });
})();

const byName = new Map(placeEntries.map((entry) => [entry.zh, entry]));

export function findPlace(zh: string): PlaceEntry | undefined {
  return byName.get(zh);
}
