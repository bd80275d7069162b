// What the seeded city is made of: Shanghai's districts, names, employers and places, as small
// fixed lists. Weights are relative, not percentages.
import { venueCategories, type VenueCategory } from '../../domain/venues/venue.js'

/** The federal issuer and the region the seeded people belong to. */
export const seedIssuers = [
  { id: 'cn', name: 'China (national register)', level: 'federal', country: 'CN', parent_id: null },
  { id: 'cn-sh', name: 'Shanghai', level: 'region', country: 'CN', parent_id: 'cn' },
] as const

/** The issuer of every seeded person: a store with people of this issuer holds a seeded city. */
export const seedRegion = 'cn-sh'

/** Shanghai's 16 districts, weighted by their population (2020 census, in 10,000s). */
export const districts: readonly { code: string; name: string; weight: number }[] = [
  { code: 'SH-PD', name: 'Pudong New Area', weight: 568 },
  { code: 'SH-MH', name: 'Minhang', weight: 265 },
  { code: 'SH-BS', name: 'Baoshan', weight: 223 },
  { code: 'SH-SJ', name: 'Songjiang', weight: 191 },
  { code: 'SH-JD', name: 'Jiading', weight: 183 },
  { code: 'SH-QP', name: 'Qingpu', weight: 127 },
  { code: 'SH-PT', name: 'Putuo', weight: 124 },
  { code: 'SH-YP', name: 'Yangpu', weight: 124 },
  { code: 'SH-FX', name: 'Fengxian', weight: 114 },
  { code: 'SH-XH', name: 'Xuhui', weight: 111 },
  { code: 'SH-JA', name: "Jing'an", weight: 98 },
  { code: 'SH-JS', name: 'Jinshan', weight: 82 },
  { code: 'SH-HK', name: 'Hongkou', weight: 76 },
  { code: 'SH-CN', name: 'Changning', weight: 69 },
  { code: 'SH-HP', name: 'Huangpu', weight: 66 },
  { code: 'SH-CM', name: 'Chongming', weight: 64 },
]

/** Common Chinese family names with their ICAO transliteration (Hanyu Pinyin, upper case). */
export const chineseFamilyNames: readonly (readonly [string, string])[] = [
  ['王', 'WANG'],
  ['李', 'LI'],
  ['张', 'ZHANG'],
  ['刘', 'LIU'],
  ['陈', 'CHEN'],
  ['杨', 'YANG'],
  ['黄', 'HUANG'],
  ['赵', 'ZHAO'],
  ['吴', 'WU'],
  ['周', 'ZHOU'],
  ['徐', 'XU'],
  ['孙', 'SUN'],
  ['马', 'MA'],
  ['朱', 'ZHU'],
  ['胡', 'HU'],
  ['郭', 'GUO'],
  ['何', 'HE'],
  ['林', 'LIN'],
  ['高', 'GAO'],
  ['罗', 'LUO'],
]

/** Common Chinese given names with their ICAO transliteration. */
export const chineseGivenNames: readonly (readonly [string, string])[] = [
  ['伟', 'WEI'],
  ['芳', 'FANG'],
  ['娜', 'NA'],
  ['敏', 'MIN'],
  ['静', 'JING'],
  ['丽', 'LI'],
  ['强', 'QIANG'],
  ['磊', 'LEI'],
  ['军', 'JUN'],
  ['洋', 'YANG'],
  ['勇', 'YONG'],
  ['艳', 'YAN'],
  ['杰', 'JIE'],
  ['娟', 'JUAN'],
  ['涛', 'TAO'],
  ['明', 'MING'],
  ['超', 'CHAO'],
  ['秀英', 'XIUYING'],
  ['霞', 'XIA'],
  ['平', 'PING'],
  ['子涵', 'ZIHAN'],
  ['浩然', 'HAORAN'],
  ['欣怡', 'XINYI'],
  ['梓萱', 'ZIXUAN'],
]

/** Foreign residents: the country of their passport, their language, and names in it. */
export const foreignNationalities: readonly {
  country: string
  language: 'en' | 'ru' | 'zh'
  family: readonly (readonly [string, string])[]
  given: readonly (readonly [string, string])[]
}[] = [
  {
    country: 'US',
    language: 'en',
    family: [
      ['Smith', 'SMITH'],
      ['Johnson', 'JOHNSON'],
      ['Brown', 'BROWN'],
    ],
    given: [
      ['John', 'JOHN'],
      ['Emily', 'EMILY'],
      ['Michael', 'MICHAEL'],
    ],
  },
  {
    country: 'DE',
    language: 'en',
    family: [
      ['Müller', 'MUELLER'],
      ['Schmidt', 'SCHMIDT'],
      ['Weiß', 'WEISS'],
    ],
    given: [
      ['Jürgen', 'JUERGEN'],
      ['Anna', 'ANNA'],
      ['Lukas', 'LUKAS'],
    ],
  },
  {
    country: 'JP',
    language: 'en',
    family: [
      ['Sato', 'SATO'],
      ['Suzuki', 'SUZUKI'],
      ['Tanaka', 'TANAKA'],
    ],
    given: [
      ['Yuki', 'YUKI'],
      ['Haruto', 'HARUTO'],
      ['Aoi', 'AOI'],
    ],
  },
  {
    country: 'KR',
    language: 'en',
    family: [
      ['Kim', 'KIM'],
      ['Lee', 'LEE'],
      ['Park', 'PARK'],
    ],
    given: [
      ['Min-jun', 'MIN JUN'],
      ['Seo-yeon', 'SEO YEON'],
      ['Ji-ho', 'JI HO'],
    ],
  },
  {
    country: 'FR',
    language: 'en',
    family: [
      ['Martin', 'MARTIN'],
      ['Bernard', 'BERNARD'],
      ['Lefèvre', 'LEFEVRE'],
    ],
    given: [
      ['Pierre', 'PIERRE'],
      ['Camille', 'CAMILLE'],
      ['Léa', 'LEA'],
    ],
  },
  {
    country: 'RU',
    language: 'ru',
    family: [
      ['Иванов', 'IVANOV'],
      ['Смирнова', 'SMIRNOVA'],
      ['Кузнецов', 'KUZNETSOV'],
    ],
    given: [
      ['Алексей', 'ALEKSEI'],
      ['Ольга', 'OLGA'],
      ['Дмитрий', 'DMITRII'],
    ],
  },
  {
    country: 'SG',
    language: 'zh',
    family: [
      ['Tan', 'TAN'],
      ['Lim', 'LIM'],
      ['Ng', 'NG'],
    ],
    given: [
      ['Wei Ling', 'WEI LING'],
      ['Jun Jie', 'JUN JIE'],
      ['Hui Min', 'HUI MIN'],
    ],
  },
]

/** How often each kind of venue occurs among the seeded ones. */
export const venueCategoryWeights: Readonly<Record<VenueCategory, number>> = {
  theatre: 1,
  museum: 1,
  restaurant: 24,
  cinema: 2,
  'concert-hall': 1,
  sports: 3,
  shop: 24,
  office: 14,
  factory: 7,
  school: 5,
  hospital: 2,
  transport: 6,
  park: 3,
  other: 7,
  // Last and weightless, so the seeded city (and the figures measured on it) stays the same.
  'administration-service-centre': 0,
}

/** Every category, in `venueCategories` order, with its weight. */
export const weightedVenueCategories = venueCategories.map((category) => ({
  category,
  weight: venueCategoryWeights[category],
}))

/** How a venue of each category is called: the noun after the street's name. */
export const venueNouns: Readonly<Record<VenueCategory, readonly string[]>> = {
  theatre: ['Theatre', 'Opera House'],
  museum: ['Museum', 'Art Gallery'],
  restaurant: ['Noodle House', 'Dumpling Restaurant', 'Hot Pot', 'Café', 'Canteen'],
  cinema: ['Cinema', 'Cineplex'],
  'concert-hall': ['Concert Hall'],
  sports: ['Fitness Centre', 'Stadium', 'Swimming Pool'],
  shop: ['Convenience Store', 'Supermarket', 'Pharmacy', 'Bookshop', 'Market'],
  office: ['Office Tower', 'Business Centre'],
  factory: ['Works', 'Plant'],
  school: ['Primary School', 'Middle School'],
  hospital: ['Hospital', 'Community Health Centre'],
  transport: ['Metro Station', 'Bus Terminal', 'Railway Station'],
  park: ['Park', 'Garden'],
  other: ['Community Centre', 'Hotel', 'Bank'],
  'administration-service-centre': ['Administration Service Centre'],
}

/** Streets, for venues' names and addresses. */
export const streets: readonly string[] = [
  'Nanjing',
  'Huaihai',
  'Century',
  'Zhongshan',
  "Yan'an",
  'Siping',
  'Hongqiao',
  'Changning',
  'Wujiang',
  'Xizang',
  'Henan',
  'Sichuan',
  'Zhangyang',
  'Jinqiao',
  'Caoxi',
  'Tianmu',
  'Hengshan',
  'Fuxing',
  'Gonghe',
  'Longhua',
]

/** Words of companies' names: `<place> <trade> Co., Ltd.`. */
export const companyPlaces: readonly string[] = [
  'Pujiang',
  'Dongfang',
  'Huangpu',
  'Jinqiao',
  'Zhangjiang',
  'Lujiazui',
  'Hongqiao',
  'Xinhua',
  'Haishang',
  'Minsheng',
]
export const companyTrades: readonly string[] = [
  'Trading',
  'Logistics',
  'Software',
  'Precision Machinery',
  'Textiles',
  'Foods',
  'Pharmaceuticals',
  'Electronics',
  'Construction',
  'Consulting',
]

/**
 * Local hours (UTC+8) weighted by how many check-ins they see: a night lull, the morning commute,
 * lunch and the evening.
 */
export const checkinHourWeights: readonly number[] = [
  0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2.0, 3.0, 2.2, 1.6, 2.2, 2.6, 1.8, 1.4, 1.4, 1.6, 2.4, 2.8,
  2.4, 1.8, 1.2, 0.7, 0.4,
]
/** Shanghai's offset from UTC, in hours (no daylight saving). */
export const shanghaiUtcOffsetHours = 8

/**
 * The rules (default rule set, version 1) that seeded people's declarations set off: yellow and
 * red. The others need records the seeder does not write (tests, cases, exposures, risk areas),
 * and a code is only ever what the rules engine computes from the stored records.
 */
export const yellowRuleIds: readonly string[] = ['fever', 'symptoms']
export const redRuleIds: readonly string[] = ['declared-case-contact']
