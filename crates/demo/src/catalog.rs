//! The demo hospital's fixed vocabulary: wards, doctors, diagnoses, the fee catalogue with
//! prices of a Zhejiang tertiary hospital, and the characters names are drawn from.

use domain::FeeCategory;

pub struct WardSpec {
    pub code: &'static str,
    pub name: &'static str,
    pub department: &'static str,
    pub surgical: bool,
    pub doctors: &'static [&'static str],
    pub diagnoses: &'static [&'static str],
}

pub const WARDS: [WardSpec; 5] = [
    WardSpec {
        code: "W01",
        name: "心血管内科一病区",
        department: "心血管内科",
        surgical: false,
        doctors: &["周建国", "吴海燕", "钱立新"],
        diagnoses: &["冠状动脉粥样硬化性心脏病", "急性心肌梗死", "心力衰竭", "心房颤动", "高血压病3级"],
    },
    WardSpec {
        code: "W02",
        name: "呼吸与危重症医学科病区",
        department: "呼吸与危重症医学科",
        surgical: false,
        doctors: &["郑晓东", "冯丽娟", "陈志强"],
        diagnoses: &["社区获得性肺炎", "慢性阻塞性肺疾病急性加重", "支气管哮喘", "肺部感染", "间质性肺病"],
    },
    WardSpec {
        code: "W03",
        name: "普外科病区",
        department: "普外科",
        surgical: true,
        doctors: &["胡振华", "林雪梅", "徐明"],
        diagnoses: &["胆囊结石伴慢性胆囊炎", "急性阑尾炎", "腹股沟疝", "结肠癌", "甲状腺结节"],
    },
    WardSpec {
        code: "W04",
        name: "骨科病区",
        department: "骨科",
        surgical: true,
        doctors: &["蒋伟", "何静", "沈国平"],
        diagnoses: &["股骨颈骨折", "腰椎间盘突出症", "膝关节骨性关节炎", "桡骨远端骨折", "胫腓骨骨折"],
    },
    WardSpec {
        code: "W05",
        name: "神经内科病区",
        department: "神经内科",
        surgical: false,
        doctors: &["杨帆", "朱红", "韩磊"],
        diagnoses: &["脑梗死", "短暂性脑缺血发作", "帕金森病", "癫痫", "脑出血恢复期"],
    },
];

/// One billable item. Prices are in fen.
#[derive(Clone, Copy)]
pub struct Item {
    pub code: &'static str,
    pub name: &'static str,
    pub category: FeeCategory,
    pub spec: &'static str,
    pub unit: &'static str,
    pub price_fen: i64,
}

const fn item(
    code: &'static str,
    name: &'static str,
    category: FeeCategory,
    spec: &'static str,
    unit: &'static str,
    price_fen: i64,
) -> Item {
    Item { code, name, category, spec, unit, price_fen }
}

use FeeCategory as C;

pub const BED: [Item; 3] = [
    item("110900001a", "床位费（三人间）", C::Bed, "", "日", 4_000),
    item("110900001b", "床位费（二人间）", C::Bed, "", "日", 6_000),
    item("110900005", "监护病房床位费", C::Bed, "", "日", 18_000),
];
pub const NURSING: [Item; 3] = [
    item("121300001", "Ⅰ级护理", C::Nursing, "", "日", 3_600),
    item("121300002", "Ⅱ级护理", C::Nursing, "", "日", 2_200),
    item("121100001", "特级护理", C::Nursing, "", "小时", 1_200),
];
pub const CONSULTATION: Item = item("110200005", "住院诊察费", C::Consultation, "", "日", 2_000);

pub const DAILY_TREATMENT: [Item; 5] = [
    item("120400006", "静脉输液", C::Treatment, "第一组", "组", 1_200),
    item("120400007", "静脉输液（加组）", C::Treatment, "", "组", 400),
    item("120100010", "雾化吸入", C::Treatment, "", "次", 1_500),
    item("120800001", "吸氧", C::Treatment, "", "小时", 300),
    item("121500002", "大换药", C::Treatment, "", "次", 3_000),
];

pub const DRUGS: [Item; 16] = [
    item("XY0001", "0.9%氯化钠注射液", C::Drug, "250ml/袋", "袋", 350),
    item("XY0002", "5%葡萄糖注射液", C::Drug, "500ml/袋", "袋", 420),
    item("XY0003", "注射用头孢呋辛钠", C::Drug, "1.5g/支", "支", 1_860),
    item("XY0004", "奥美拉唑肠溶胶囊", C::Drug, "20mg*14粒/盒", "盒", 2_340),
    item("XY0005", "阿托伐他汀钙片", C::Drug, "20mg*7片/盒", "盒", 3_200),
    item("XY0006", "盐酸氨溴索注射液", C::Drug, "2ml:15mg/支", "支", 920),
    item("XY0007", "左氧氟沙星氯化钠注射液", C::Drug, "100ml:0.5g/瓶", "瓶", 1_550),
    item("XY0008", "甲硝唑氯化钠注射液", C::Drug, "100ml:0.5g/瓶", "瓶", 630),
    item("XY0009", "低分子肝素钠注射液", C::Drug, "0.4ml:4000IU/支", "支", 3_150),
    item("XY0010", "硫酸氢氯吡格雷片", C::Drug, "75mg*7片/盒", "盒", 2_890),
    item("XY0011", "阿司匹林肠溶片", C::Drug, "100mg*30片/盒", "盒", 1_580),
    item("XY0012", "胰岛素注射液", C::Drug, "10ml:400IU/支", "支", 5_680),
    item("XY0013", "注射用泮托拉唑钠", C::Drug, "40mg/支", "支", 1_275),
    item("XY0014", "复方氨基酸注射液", C::Drug, "250ml/瓶", "瓶", 2_760),
    item("XY0015", "呋塞米注射液", C::Drug, "2ml:20mg/支", "支", 85),
    item("XY0016", "氯化钾缓释片", C::Drug, "0.5g*24片/盒", "盒", 1_090),
];
pub const HERBS: [Item; 2] = [
    item("ZY0001", "中药饮片（煎药）", C::HerbalDrug, "", "剂", 3_580),
    item("ZY0002", "黄芪颗粒", C::HerbalDrug, "10g/袋", "袋", 265),
];

pub const ADMISSION_LABS: [Item; 7] = [
    item("250101015", "血常规（五分类）", C::Laboratory, "", "次", 2_000),
    item("250102035", "尿常规", C::Laboratory, "", "次", 1_200),
    item("250305001", "肝功能", C::Laboratory, "", "次", 6_800),
    item("250307001", "肾功能", C::Laboratory, "", "次", 4_500),
    item("250304001", "电解质", C::Laboratory, "", "次", 3_500),
    item("250203001", "凝血四项", C::Laboratory, "", "次", 8_000),
    item("250301001", "血糖", C::Laboratory, "", "次", 800),
];
pub const FOLLOW_UP_LABS: [Item; 3] = [
    item("250101015", "血常规（五分类）", C::Laboratory, "", "次", 2_000),
    item("250401011", "C反应蛋白", C::Laboratory, "", "次", 3_000),
    item("250304001", "电解质", C::Laboratory, "", "次", 3_500),
];
pub const IMAGING: [Item; 6] = [
    item("310701001", "常规心电图", C::Examination, "", "次", 2_500),
    item("210102015", "胸部DR摄片", C::Examination, "", "次", 9_000),
    item("220302001", "腹部彩色多普勒超声", C::Examination, "", "次", 12_000),
    item("210300001", "胸部CT平扫", C::Examination, "", "次", 26_000),
    item("210200001", "头颅MRI平扫", C::Examination, "", "次", 68_000),
    item("310702001", "动态心电图", C::Examination, "", "次", 16_000),
];
pub const MATERIALS: [Item; 4] = [
    item("CL0001", "一次性使用输液器", C::Material, "带针", "套", 450),
    item("CL0002", "静脉留置针", C::Material, "22G", "支", 1_800),
    item("CL0003", "一次性导尿包", C::Material, "", "个", 2_500),
    item("CL0004", "医用敷料贴", C::Material, "10cm*12cm", "贴", 380),
];
pub const SURGERIES: [[Item; 3]; 3] = [
    [
        item("331001006", "腹腔镜下胆囊切除术", C::Surgery, "", "次", 280_000),
        item("330100005", "全身麻醉", C::Surgery, "", "次", 90_000),
        item("CL0101", "一次性腹腔镜穿刺器", C::Material, "", "套", 168_000),
    ],
    [
        item("331003001", "阑尾切除术", C::Surgery, "", "次", 150_000),
        item("330100005", "全身麻醉", C::Surgery, "", "次", 90_000),
        item("CL0102", "可吸收缝合线", C::Material, "3-0", "根", 12_500),
    ],
    [
        item("331503011", "人工股骨头置换术", C::Surgery, "", "次", 320_000),
        item("330100003", "椎管内麻醉", C::Surgery, "", "次", 60_000),
        item("CL0103", "人工髋关节假体（国产）", C::Material, "", "套", 1_860_000),
    ],
];
pub const BLOOD: [Item; 2] = [
    item("XF0001", "悬浮红细胞", C::Blood, "1U", "U", 22_000),
    item("XF0002", "新鲜冰冻血浆", C::Blood, "100ml", "袋", 9_000),
];
pub const BLOOD_SERVICE: Item = item("260000002", "输血（交叉配血）", C::Treatment, "", "次", 4_500);
pub const OTHER: Item = item("111000001", "空调费", C::Other, "", "日", 500);

pub const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔向汤";
pub const GIVEN_MALE: &str = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆建国志文博晨阳永峰";
pub const GIVEN_FEMALE: &str = "芳娜敏静丽艳娟霞燕秀玲桂英红梅琳雪婷倩颖慧琴兰萍洁云晶佳欣怡悦蓉";

/// Zhejiang county codes (杭州、宁波、温州、嘉兴、湖州、绍兴、金华).
pub const REGIONS: [&str; 10] =
    ["330102", "330106", "330108", "330110", "330203", "330302", "330402", "330502", "330602", "330702"];
