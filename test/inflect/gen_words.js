'use strict';
/*
 * gen_words.js: prints, as one JSON array, the words the differential test
 * of the inflector feeds to both inflection@1.13.4 and orm.pluralize /
 * orm.singularize.  Deterministic, offline, built from:
 *  - every word in inflection's own source (its uncountable list, also the
 *    entries it comments out, and the letters of its rules),
 *  - a list of nouns typical of model names, and their library plurals and
 *    singulars,
 *  - stems times endings chosen to hit every rule and the boundaries
 *    between them,
 *  - case variants of all of those,
 *  - odd input: empty, punctuation, spaces, non-ASCII, very long words.
 * With --ascii-only (a server that is not UTF8) non-ASCII words are left out.
 */
const fs = require('fs');
const inflection = require('inflection');

const asciiOnly = process.argv.includes('--ascii-only');
const words = new Set();

/* Text PostgreSQL can store: no NUL, no unpaired surrogate. */
function storable(w) {
  return !w.includes('\0') && !/[\ud800-\udbff](?![\udc00-\udfff])|(?:[^\ud800-\udbff]|^)[\udc00-\udfff]/.test(w);
}

function add(w) {
  if (storable(w) && (!asciiOnly || /^[\x00-\x7f]*$/.test(w)))
    words.add(w);
}

/* lower, Capitalized, UPPER and, for some, aLtErNaTiNg */
function addCases(w, i) {
  add(w);
  add(w.charAt(0).toUpperCase() + w.slice(1));
  add(w.toUpperCase());
  if (i % 5 === 0)
    add([...w].map((c, k) => (k % 2 ? c.toUpperCase() : c)).join(''));
}

/* 1. inflection's own words */
const src = fs.readFileSync(require.resolve('inflection'), 'utf8');
const ownWords = new Set();
for (const m of src.matchAll(/'([a-z]+)'/g))
  ownWords.add(m[1]);
for (const m of src.matchAll(/new RegExp\(\s*'([^']*)'/g))
  for (const run of m[1].matchAll(/[a-z]+/g))
    ownWords.add(run[0]);

/* 2. nouns of the kind models are named after */
const nouns = `
  user person people man woman child company address category status
  campus alias virus octopus bus box match wish kiss quiz ox mouse louse
  foot tooth goose sheep deer fish series species news equipment
  information knowledge datum medium criterion phenomenon analysis basis
  crisis axis thesis diagnosis parenthesis prognosis synopsis testis
  matrix vertex index appendix radix cactus fungus nucleus syllabus focus
  hive wife knife life half wolf shelf leaf loaf thief scarf roof chief
  chef cliff staff safe giraffe belief proof dwarf hoof calf elf self
  movie cookie pie tie lie toy key day boy guy play city lady baby story
  query entry country party berry army copy reply survey monkey journey
  tomato potato buffalo hero echo veto photo piano video radio zoo studio
  solo memo auto logo cargo canvas bonus summons whereas genus genera
  drive database curve slave cave grave wave glove dove stove olive
  product order item invoice payment account customer client supplier
  employee manager team project task issue ticket comment post article
  blog tag label note message email phone contact profile setting option
  role permission group member session token device location region city
  country province state district street house building room floor desk
  file folder document image picture photo album song track artist genre
  event meeting schedule calendar reminder alarm log entry record report
  chart graph metric sample test result score grade course lesson student
  teacher school class subject exam question answer choice vote poll
  review rating feedback request response error warning notice alert
  price tax discount coupon cart wishlist shipment delivery return refund
  vehicle car truck bicycle engine wheel tire part tool machine worker
  animal cat dog horse cow pig bird duck hen fox ox lion tiger bear
  plant tree flower seed root leaf fruit berry cherry apple grape lemon
  recipe ingredient meal dish menu restaurant kitchen chef waiter guest
  bookmark link domain server node cluster instance volume backup job
  queue worker process thread batch chunk block hash key value pair
  status statuses campuses aliases viruses octopi octopuses buses boxes
  matches wishes kisses quizzes oxen mice lice feet teeth geese people
  men women children companies addresses categories analyses bases
  crises axes theses diagnoses parentheses prognoses synopses testes
  matrices vertices indices indexes radices cacti hives wives knives
  lives halves wolves shelves leaves loaves thieves scarves roofs chiefs
  movies cookies pies ties toys keys days boys guys cities ladies babies
  tomatoes potatoes buffaloes heroes echoes photos pianos videos zoos
  drives databases curves slaves caves waves gloves doves stoves olives
  data media criteria phenomena genera summonses bonuses whereases
  access art attention ballet beauty beer behavior billiards bowels
  business damage danger delight dessert distribution employment energy
  entertainment failure faith fish freedom fruit funeral gas glass grass
  ground hair height injustice intelligence jealousy jelly joy juice
  justice kindness labour land love mail meat metal moose oil paper
  passion permission power production progress pronunciation quality
  quantity rain recreation salad salt sand satire silence slang sorrow
  soup speed spelling sport strength success sugar tea time toast
  tolerance trade travel understanding usage vision water weight whiskey
  width wine wood wool work yeast
`.trim().split(/\s+/);

/* 3. stems and endings that reach every rule and the edges between them */
const stems = [
  '', 'b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'qu', 'r',
  's', 't', 'v', 'w', 'x', 'z', 'a', 'e', 'i', 'o', 'u', 'y', 'ba', 'bo',
  'ca', 'de', 'fi', 'go', 'ha', 'li', 'ma', 'no', 'pa', 'ro', 'sa', 'ta',
  'vi', 'wo', 'str', 'sch', 'ph', 'th', 'kn', 'wr', 'sq', 'squ', 'ff',
  'summons', 'whereas', 'criteri', 'child', 'pe', 'wom', 'database',
  'drive', 'curve', 'shoe', 'quiz', 'matr', 'vert', 'ind', 'octop', 'vir',
  'alias', 'canvas', 'status', 'campus', 'bonus', 'buffal', 'tomat',
  'potat', 'analy', 'diagno', 'parenthe', 'progno', 'synop', 'cris', 'test',
  'ax', 'bu', 'mo', 'se', 'lo', 'gen', 'mov', 'ser', 'hi', 'ti', 'ox',
  'foo', 'too', 'goo', 'fee', 'tee', 'gee', '1', '_', '-', ' ', '|', 'a|'
];
const endings = [
  '', 'a', 'ae', 'an', 'as', 'ax', 'ay', 'e', 'ed', 'en', 'es', 'ex', 'ey',
  'f', 'fe', 'ffe', 'ff', 'i', 'ia', 'ies', 'is', 'ix', 'o', 'oe', 'oes',
  'on', 'os', 'ouse', 'ice', 'ices', 'ox', 'oy', 's', 'ses', 'sis', 'ss',
  'sses', 'sh', 'shes', 'ch', 'ches', 'x', 'xes', 'ta', 'tum', 'um', 'ium',
  'us', 'uses', 've', 'ves', 'lf', 'lves', 'rf', 'rves', 'ive', 'ives',
  'ave', 'aves', 'ove', 'oves', 'fves', 'y', 'ys', 'uy', 'uies', 'quy',
  'quies', 'zes', 'zzes', 'z', 'man', 'men', 'erson', 'ople', 'ren',
  'eries', 'ovie', 'ovies', 'en', 'era', 'enus', 'eet', 'oot', 'ooth',
  'eeth', 'oose', 'eese', 'ion', 'on', 'a', 'ata', 'um', 'ouses', 'ices',
  '|ice', '|ouse', 'mice', 'lice', 'mouse', 'louse', 'sy', 'ssy', 'ies ',
  's\n', 'y.', 'es!'
];

/* 4. odd input */
const odd = [
  '', ' ', '  ', '\t', '\n', 's', 'S', 'y', 'Y', 'ss', 'x', 'o', '$', '$1',
  '^', '.', '-', '_', '::', 'a b', 'cat dog', 'cat dogs', 'Person ',
  ' person', 'person\n', 'people\t', 'user-id', 'user_id', 'userId',
  '123', '42s', 'v2', 'R2D2', '#tag', '@user', 'a.b.c', 'x'.repeat(3),
  'café', 'cafés', 'naïve', 'façade', 'Ärger', 'ÄRGER', 'Straße', 'STRASSE',
  'niño', 'niños', 'résumé', 'résumés', 'Øre', 'Ωmega', 'ΑΣ', 'λόγος',
  'город', 'города', 'Кот', '日本', '日本s', 'データ', '中文y', 'ñy', 'éy',
  'äfe', 'öf', 'ülf', 'ärves', 'üies', 'éves', 'ñves', 'ßs', 'ıs', 'İs',
  'İce', 'ıce', 'ſheep', 'ſ', 'a\u0301', 'e\u0301s', '😀', '😀s', '😀y',
  '😀fe', '😀ves', '😀ies', '𝒜', 'family👨‍👩‍👧', '\u00a0y', '\u2028s',
  '\ufeffperson', 'ﬁsh', 'ﬀe',
  /* the Kelvin sign lowers to "k", so these are uncountable for inflection */
  '\u212aarate', '\u212anowledge', 'mil\u212a', 'chal\u212a', 'MIL\u212a',
  'lac\u212a', 'lac\u212as', 'smo\u212ae', '\u212aey', '\u212a',
  /* ...and these lower to something else */
  '\u212barate', '\u0130ce', 'r\u0130ce', 'R\u0130CE'
];

let i = 0;
for (const w of [...ownWords].sort())
  addCases(w, i++);
for (const w of nouns) {
  addCases(w, i++);
  addCases(inflection.pluralize(w), i++);
  addCases(inflection.singularize(w), i++);
}
for (const s of stems)
  for (const e of endings)
    addCases(s + e, i++);
for (const w of odd)
  add(w);

/* long words: linear time, and the rules still apply at the end */
add('a'.repeat(100000) + 'y');
add('S'.repeat(100000));
add('é'.repeat(50000) + 'fe');
add('person'.repeat(20000));
add('oxen' + 'x'.repeat(100000));

process.stdout.write(JSON.stringify([...words]));
