/*
 * inflect.c
 *		The inflector: pluralize, singularize, camelize and underscore, as
 *		Sequelize 6 does them with npm inflection@1.13.4.
 *
 * The rules of inflection.js are kept here verbatim, as the JavaScript
 * regular expressions they are, in the same order.  They all have one shape:
 * an optional ^, an optional group of alternatives made of letters,
 * bracket classes and one-letter groups, a literal tail, and (all but one)
 * a final $.  A small matcher for exactly that shape stands in for the
 * JavaScript engine, with its semantics: the leftmost match wins, and at
 * one position the first alternative that matches; letters match ASCII
 * letters of either case and nothing else, as the "i" flag does in
 * JavaScript; a group that did not take part expands to "".  Every pattern
 * is anchored, so a rule looks only at the ends of the word, and
 * inflecting a word costs one copy of it.
 *
 * The matcher works on bytes.  That is exact in every server encoding:
 * their multibyte characters have no ASCII bytes, a class like [^aeiouy]
 * is the only thing that can match one, and the replacement puts it back
 * unchanged.
 *
 * Camelize and underscore map case like JavaScript's toUpperCase and
 * toLowerCase, with ICU's root locale (which is what V8 uses) when the
 * server is built with ICU; without it, only ASCII letters change case.
 */
#include "postgres.h"

#ifdef USE_ICU
#include <unicode/ustring.h>
#endif

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/pg_locale.h"

#include "orm_util.h"

/*
 * Nouns with one form for singular and plural: inflection's list, without
 * the words it comments out.  Compared with the whole word, lower-cased.
 */
static const char *const uncountable_words[] = {
	"accommodation", "adulthood", "advertising", "advice", "aggression",
	"aid", "air", "aircraft", "alcohol", "anger", "applause", "arithmetic",
	"assistance", "athletics", "bacon", "baggage", "beef", "biology",
	"blood", "botany", "bread", "butter", "carbon", "cardboard", "cash",
	"chalk", "chaos", "chess", "crossroads", "countryside", "dancing",
	"deer", "dignity", "dirt", "dust", "economics", "education",
	"electricity", "engineering", "enjoyment", "envy", "equipment", "ethics",
	"evidence", "evolution", "fame", "fiction", "flour", "flu", "food",
	"fuel", "fun", "furniture", "gallows", "garbage", "garlic", "genetics",
	"gold", "golf", "gossip", "gratitude", "grief", "guilt", "gymnastics",
	"happiness", "hardware", "harm", "hate", "hatred", "health", "heat",
	"help", "homework", "honesty", "honey", "hospitality", "housework",
	"humour", "hunger", "hydrogen", "ice", "importance", "inflation",
	"information", "innocence", "iron", "irony", "jam", "jewelry", "judo",
	"karate", "knowledge", "lack", "laughter", "lava", "leather", "leisure",
	"lightning", "linguine", "linguini", "linguistics", "literature",
	"litter", "livestock", "logic", "loneliness", "luck", "luggage",
	"macaroni", "machinery", "magic", "management", "mankind", "marble",
	"mathematics", "mayonnaise", "measles", "methane", "milk", "minus",
	"money", "mud", "music", "mumps", "nature", "news", "nitrogen",
	"nonsense", "nurture", "nutrition", "obedience", "obesity", "oxygen",
	"pasta", "patience", "physics", "poetry", "pollution", "poverty",
	"pride", "psychology", "publicity", "punctuation", "quartz", "racism",
	"relaxation", "reliability", "research", "respect", "revenge", "rice",
	"rubbish", "rum", "safety", "scenery", "seafood", "seaside", "series",
	"shame", "sheep", "shopping", "sleep", "smoke", "smoking", "snow",
	"soap", "software", "soil", "spaghetti", "species", "steam", "stuff",
	"stupidity", "sunshine", "symmetry", "tennis", "thirst", "thunder",
	"timber", "traffic", "transportation", "trust", "underwear",
	"unemployment", "unity", "validity", "veal", "vegetation",
	"vegetarianism", "vengeance", "violence", "vitality", "warmth", "wealth",
	"weather", "welfare", "wheat", "wildlife", "wisdom", "yoga", "zinc",
	"zoology"
};

/* the longest uncountable word */
#define UNCOUNTABLE_MAX_LEN 14

/* inflection's regex.plural, all with flags "gi" */
#define PL_MEN			"^(m|wom)en$"
#define PL_PEOPLE		"(pe)ople$"
#define PL_CHILDREN		"(child)ren$"
#define PL_TIA			"([ti])a$"
#define PL_ANALYSES		"((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)ses$"
#define PL_DATABASES	"(database)s$"
#define PL_DRIVES		"(drive)s$"
#define PL_HIVES		"(hi|ti)ves$"
#define PL_CURVES		"(curve)s$"
#define PL_LRVES		"([lr])ves$"
#define PL_AVES			"([a])ves$"
#define PL_FOVES		"([^fo])ves$"
#define PL_MOVIES		"(m)ovies$"
#define PL_AEIOUYIES	"([^aeiouy]|qu)ies$"
#define PL_SERIES		"(s)eries$"
#define PL_XES			"(x|ch|ss|sh)es$"
#define PL_MICE			"([m|l])ice$"
#define PL_BUSES		"(bus)es$"
#define PL_OES			"(o)es$"
#define PL_SHOES		"(shoe)s$"
#define PL_CRISES		"(cris|ax|test)es$"
#define PL_OCTOPUSES	"(octop|vir)uses$"
#define PL_ALIASES		"(alias|canvas|status|campus)es$"
#define PL_SUMMONSES	"^(summons|bonus)es$"
#define PL_OXEN			"^(ox)en"
#define PL_MATRICES		"(matr)ices$"
#define PL_VERTICES		"(vert|ind)ices$"
#define PL_FEET			"^feet$"
#define PL_TEETH		"^teeth$"
#define PL_GEESE		"^geese$"
#define PL_QUIZZES		"(quiz)zes$"
#define PL_WHEREASES	"^(whereas)es$"
#define PL_CRITERIA		"^(criteri)a$"
#define PL_GENERA		"^genera$"
#define PL_SS			"ss$"
#define PL_S			"s$"

/* inflection's regex.singular, all with flags "gi" */
#define SG_MAN			"^(m|wom)an$"
#define SG_PERSON		"(pe)rson$"
#define SG_CHILD		"(child)$"
#define SG_DRIVE		"(drive)$"
#define SG_OX			"^(ox)$"
#define SG_AXIS			"(ax|test)is$"
#define SG_OCTOPUS		"(octop|vir)us$"
#define SG_ALIAS		"(alias|status|canvas|campus)$"
#define SG_SUMMONS		"^(summons|bonus)$"
#define SG_BUS			"(bu)s$"
#define SG_BUFFALO		"(buffal|tomat|potat)o$"
#define SG_TIUM			"([ti])um$"
#define SG_SIS			"sis$"
#define SG_FFE			"(?:([^f])fe|([lr])f)$"
#define SG_HIVE			"(hi|ti)ve$"
#define SG_AEIOUYY		"([^aeiouy]|qu)y$"
#define SG_X			"(x|ch|ss|sh)$"
#define SG_MATRIX		"(matr)ix$"
#define SG_VERTEX		"(vert|ind)ex$"
#define SG_MOUSE		"([m|l])ouse$"
#define SG_FOOT			"^foot$"
#define SG_TOOTH		"^tooth$"
#define SG_GOOSE		"^goose$"
#define SG_QUIZ			"(quiz)$"
#define SG_WHEREAS		"^(whereas)$"
#define SG_CRITERION	"^(criteri)on$"
#define SG_GENUS		"^genus$"
#define SG_S			"s$"
#define SG_COMMON		"$"

/*
 * A rule: the first rule whose pattern matches decides.  Without a
 * replacement the word is returned as it is.
 */
typedef struct InflectRule
{
	const char *regex;
	const char *replacement;	/* JavaScript replacement string, or NULL */
} InflectRule;

/* inflection's plural_rules */
static const InflectRule plural_rules[] = {
	/* do not replace if its already a plural word */
	{PL_MEN, NULL},
	{PL_PEOPLE, NULL},
	{PL_CHILDREN, NULL},
	{PL_TIA, NULL},
	{PL_ANALYSES, NULL},
	{PL_DATABASES, NULL},
	{PL_DRIVES, NULL},
	{PL_HIVES, NULL},
	{PL_CURVES, NULL},
	{PL_LRVES, NULL},
	{PL_FOVES, NULL},
	{PL_AEIOUYIES, NULL},
	{PL_SERIES, NULL},
	{PL_MOVIES, NULL},
	{PL_XES, NULL},
	{PL_MICE, NULL},
	{PL_BUSES, NULL},
	{PL_OES, NULL},
	{PL_SHOES, NULL},
	{PL_CRISES, NULL},
	{PL_OCTOPUSES, NULL},
	{PL_ALIASES, NULL},
	{PL_SUMMONSES, NULL},
	{PL_OXEN, NULL},
	{PL_MATRICES, NULL},
	{PL_FEET, NULL},
	{PL_TEETH, NULL},
	{PL_GEESE, NULL},
	{PL_QUIZZES, NULL},
	{PL_WHEREASES, NULL},
	{PL_CRITERIA, NULL},
	{PL_GENERA, NULL},

	/* original rule */
	{SG_MAN, "$1en"},
	{SG_PERSON, "$1ople"},
	{SG_CHILD, "$1ren"},
	{SG_DRIVE, "$1s"},
	{SG_OX, "$1en"},
	{SG_AXIS, "$1es"},
	{SG_OCTOPUS, "$1uses"},
	{SG_ALIAS, "$1es"},
	{SG_SUMMONS, "$1es"},
	{SG_BUS, "$1ses"},
	{SG_BUFFALO, "$1oes"},
	{SG_TIUM, "$1a"},
	{SG_SIS, "ses"},
	{SG_FFE, "$1$2ves"},
	{SG_HIVE, "$1ves"},
	{SG_AEIOUYY, "$1ies"},
	{SG_MATRIX, "$1ices"},
	{SG_VERTEX, "$1ices"},
	{SG_X, "$1es"},
	{SG_MOUSE, "$1ice"},
	{SG_FOOT, "feet"},
	{SG_TOOTH, "teeth"},
	{SG_GOOSE, "geese"},
	{SG_QUIZ, "$1zes"},
	{SG_WHEREAS, "$1es"},
	{SG_CRITERION, "$1a"},
	{SG_GENUS, "genera"},

	{SG_S, "s"},
	{SG_COMMON, "s"}
};

/* inflection's singular_rules */
static const InflectRule singular_rules[] = {
	/* do not replace if its already a singular word */
	{SG_MAN, NULL},
	{SG_PERSON, NULL},
	{SG_CHILD, NULL},
	{SG_DRIVE, NULL},
	{SG_OX, NULL},
	{SG_AXIS, NULL},
	{SG_OCTOPUS, NULL},
	{SG_ALIAS, NULL},
	{SG_SUMMONS, NULL},
	{SG_BUS, NULL},
	{SG_BUFFALO, NULL},
	{SG_TIUM, NULL},
	{SG_SIS, NULL},
	{SG_FFE, NULL},
	{SG_HIVE, NULL},
	{SG_AEIOUYY, NULL},
	{SG_X, NULL},
	{SG_MATRIX, NULL},
	{SG_MOUSE, NULL},
	{SG_FOOT, NULL},
	{SG_TOOTH, NULL},
	{SG_GOOSE, NULL},
	{SG_QUIZ, NULL},
	{SG_WHEREAS, NULL},
	{SG_CRITERION, NULL},
	{SG_GENUS, NULL},

	/* original rule */
	{PL_MEN, "$1an"},
	{PL_PEOPLE, "$1rson"},
	{PL_CHILDREN, "$1"},
	{PL_DATABASES, "$1"},
	{PL_DRIVES, "$1"},
	{PL_GENERA, "genus"},
	{PL_CRITERIA, "$1on"},
	{PL_TIA, "$1um"},
	{PL_ANALYSES, "$1$2sis"},
	{PL_HIVES, "$1ve"},
	{PL_CURVES, "$1"},
	{PL_LRVES, "$1f"},
	{PL_AVES, "$1ve"},
	{PL_FOVES, "$1fe"},
	{PL_MOVIES, "$1ovie"},
	{PL_AEIOUYIES, "$1y"},
	{PL_SERIES, "$1eries"},
	{PL_XES, "$1"},
	{PL_MICE, "$1ouse"},
	{PL_BUSES, "$1"},
	{PL_OES, "$1"},
	{PL_SHOES, "$1"},
	{PL_CRISES, "$1is"},
	{PL_OCTOPUSES, "$1us"},
	{PL_ALIASES, "$1"},
	{PL_SUMMONSES, "$1"},
	{PL_OXEN, "$1"},
	{PL_MATRICES, "$1ix"},
	{PL_VERTICES, "$1ex"},
	{PL_FEET, "foot"},
	{PL_TEETH, "tooth"},
	{PL_GEESE, "goose"},
	{PL_QUIZZES, "$1"},
	{PL_WHEREASES, "$1"},

	{PL_SS, "ss"},
	{PL_S, ""}
};

/* groups $1 .. $9 */
#define RX_MAX_GROUPS 9

/* One of the patterns above, taken apart. */
typedef struct RxPattern
{
	bool		at_start;		/* begins with ^ */
	bool		at_end;			/* ends with $ */
	bool		capturing;		/* the group is (...), not (?:...) */
	const char *alts;			/* the group's alternatives, or NULL */
	const char *alts_end;
	const char *tail;			/* the letters after the group */
	int			tail_len;
} RxPattern;

/*
 * A match in a word: the bytes [start, end) and what each group captured;
 * group_start is -1 for a group that did not take part.
 */
typedef struct RxMatch
{
	int			start;
	int			end;
	int			group_start[RX_MAX_GROUPS + 1];
	int			group_len[RX_MAX_GROUPS + 1];
} RxMatch;

/* Length of the source of the atom at p: a letter, a [class] or an (atom). */
static int
RxAtomSourceLen(const char *p)
{
	if (*p == '[')
		return strchr(p, ']') - p + 1;
	if (*p == '(')
		return RxAtomSourceLen(p + 1) + 2;
	return 1;
}

/* Whether byte c matches the atom at p, ignoring the case of ASCII letters. */
static bool
RxAtomMatches(const char *p, unsigned char c)
{
	char		lc = (char) pg_ascii_tolower(c);
	bool		negated;
	bool		found = false;

	if (*p == '(')
		return RxAtomMatches(p + 1, c);
	if (*p != '[')
		return *p == lc;

	negated = (p[1] == '^');
	for (p += negated ? 2 : 1; *p != ']'; p++)
	{
		if (*p == lc)
			found = true;
	}
	return found != negated;
}

/* Whether the word at s begins with the n letters at p, ignoring case. */
static bool
RxTailMatches(const char *p, int n, const char *s)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		if (p[i] != (char) pg_ascii_tolower((unsigned char) s[i]))
			return false;
	}
	return true;
}

/* Takes a pattern apart; see the header comment for the shape. */
static void
RxParse(const char *rx, RxPattern *pat)
{
	const char *p = rx;

	memset(pat, 0, sizeof(*pat));
	pat->at_start = (*p == '^');
	if (pat->at_start)
		p++;
	if (*p == '(')
	{
		p++;
		pat->capturing = (strncmp(p, "?:", 2) != 0);
		if (!pat->capturing)
			p += 2;
		pat->alts = p;
		while (*p != ')')
			p += (*p == '|') ? 1 : RxAtomSourceLen(p);
		pat->alts_end = p++;
	}
	pat->tail = p;
	pat->tail_len = strcspn(p, "$");
	pat->at_end = (p[pat->tail_len] == '$');
	if (!pat->at_end && !pat->at_start)
		elog(ERROR, "unanchored inflection pattern \"%s\"", rx);
}

/*
 * Matches one alternative, the atoms in [alt, alt_end), against the word at
 * pos, and records the one-letter groups in it, numbered from group.
 */
static bool
RxAltMatches(const char *alt, const char *alt_end, const char *word, int pos,
			 int group, RxMatch *m)
{
	const char *p;

	for (p = alt; p < alt_end; p += RxAtomSourceLen(p), pos++)
	{
		if (!RxAtomMatches(p, (unsigned char) word[pos]))
			return false;
		if (*p == '(')
		{
			m->group_start[group] = pos;
			m->group_len[group] = 1;
			group++;
		}
	}
	return true;
}

/* Counts the atoms of an alternative, and the groups among them. */
static int
RxAltAtoms(const char *alt, const char *alt_end, int *groups)
{
	const char *p;
	int			atoms = 0;

	*groups = 0;
	for (p = alt; p < alt_end; p += RxAtomSourceLen(p))
	{
		atoms++;
		if (*p == '(')
			(*groups)++;
	}
	return atoms;
}

/*
 * Tries one alternative (NULL for a pattern without a group) as a match of
 * the pattern, and keeps it in *best if it starts left of the best so far.
 */
static void
RxTryAlt(const RxPattern *pat, const char *alt, const char *alt_end,
		 int first_group, const char *word, int len, RxMatch *best)
{
	RxMatch		m;
	int			groups;
	int			atoms = alt ? RxAltAtoms(alt, alt_end, &groups) : 0;
	int			start = pat->at_end ? len - atoms - pat->tail_len : 0;
	int			i;

	if (start < 0 || start + atoms + pat->tail_len > len ||
		(pat->at_start && start != 0) ||
		(best->start >= 0 && start >= best->start))
		return;
	for (i = 0; i <= RX_MAX_GROUPS; i++)
	{
		m.group_start[i] = -1;
		m.group_len[i] = 0;
	}
	if (alt && !RxAltMatches(alt, alt_end, word, start, first_group, &m))
		return;
	if (!RxTailMatches(pat->tail, pat->tail_len, word + start + atoms))
		return;
	if (alt && pat->capturing)
	{
		m.group_start[1] = start;
		m.group_len[1] = atoms;
	}
	m.start = start;
	m.end = start + atoms + pat->tail_len;
	*best = m;
}

/*
 * Finds the match of pattern rx in the word that JavaScript finds: the
 * leftmost, and there the first alternative that matches.
 */
static bool
RxFind(const char *rx, const char *word, int len, RxMatch *m)
{
	RxPattern	pat;
	const char *alt;
	const char *p;
	int			group;
	int			groups;

	RxParse(rx, &pat);
	m->start = -1;
	if (pat.alts == NULL)
	{
		RxTryAlt(&pat, NULL, NULL, 1, word, len, m);
		return m->start >= 0;
	}

	group = pat.capturing ? 2 : 1;
	for (alt = p = pat.alts;; alt = ++p)
	{
		while (p < pat.alts_end && *p != '|')
			p += RxAtomSourceLen(p);
		RxTryAlt(&pat, alt, p, group, word, len, m);
		RxAltAtoms(alt, p, &groups);
		group += groups;
		if (p == pat.alts_end)
			break;
	}
	Assert(group <= RX_MAX_GROUPS + 1);
	return m->start >= 0;
}

/*
 * The word with the match replaced by the replacement string, its $1 .. $9
 * standing for the groups.
 */
static char *
RxReplace(const char *word, int len, const RxMatch *m, const char *replacement)
{
	StringInfoData buf;
	const char *r;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, word, m->start);
	for (r = replacement; *r; r++)
	{
		int			g;

		if (r[0] != '$' || r[1] < '1' || r[1] > '9')
		{
			appendStringInfoChar(&buf, *r);
			continue;
		}
		g = *++r - '0';
		if (m->group_start[g] >= 0)
			appendBinaryStringInfo(&buf, word + m->group_start[g],
								   m->group_len[g]);
	}
	appendBinaryStringInfo(&buf, word + m->end, len - m->end);
	return buf.data;
}

/* Whether a string is all ASCII. */
static bool
IsAscii(const char *s)
{
	for (; *s; s++)
	{
		if (IS_HIGHBIT_SET(*s))
			return false;
	}
	return true;
}

/*
 * Whether the word, lower-cased as JavaScript's toLowerCase does it, is an
 * uncountable word.  Besides ASCII only the Kelvin sign (U+212A) lowers to
 * an ASCII letter; every other character rules the word out.
 */
static bool
IsUncountable(const char *word, int len)
{
	char		lower[UNCOUNTABLE_MAX_LEN + 1];
	int			n = 0;
	int			i;

	if (len > MAX_MULTIBYTE_CHAR_LEN * UNCOUNTABLE_MAX_LEN)
		return false;
	if (GetDatabaseEncoding() != PG_UTF8 &&
		GetDatabaseEncoding() != PG_SQL_ASCII && !IsAscii(word))
		word = pg_server_to_any(word, len, PG_UTF8);
	for (i = 0; word[i] != '\0' && n < UNCOUNTABLE_MAX_LEN; i++)
	{
		if (!IS_HIGHBIT_SET(word[i]))
			lower[n++] = pg_ascii_tolower((unsigned char) word[i]);
		else if (strncmp(word + i, "\xe2\x84\xaa", 3) == 0)
		{
			lower[n++] = 'k';
			i += 2;
		}
		else
			return false;
	}
	if (word[i] != '\0')
		return false;
	lower[n] = '\0';

	for (i = 0; i < (int) lengthof(uncountable_words); i++)
	{
		if (strcmp(lower, uncountable_words[i]) == 0)
			return true;
	}
	return false;
}

/* inflection's _apply_rules: the word inflected by the first matching rule. */
static char *
ApplyRules(const char *word, const InflectRule *rules, int nrules)
{
	int			len = strlen(word);
	int			i;
	RxMatch		m;

	if (IsUncountable(word, len))
		return pstrdup(word);
	for (i = 0; i < nrules; i++)
	{
		if (!RxFind(rules[i].regex, word, len, &m))
			continue;
		if (rules[i].replacement == NULL)
			break;
		return RxReplace(word, len, &m, rules[i].replacement);
	}
	return pstrdup(word);
}

/* The plural of a word, as inflection.pluralize gives it. */
char *
OrmPluralize(const char *word)
{
	return ApplyRules(word, plural_rules, lengthof(plural_rules));
}

/* The singular of a word, as inflection.singularize gives it. */
char *
OrmSingularize(const char *word)
{
	return ApplyRules(word, singular_rules, lengthof(singular_rules));
}

/*
 * Camelize and underscore work on text the way JavaScript sees it: UTF-16
 * code units.  Without ICU (or in an encoding ICU cannot read) a non-ASCII
 * string is taken one byte per unit, "raw", and only ASCII counts as space
 * or changes case.
 */
typedef struct JsString
{
	uint16	   *units;
	int32		len;
	bool		raw;			/* units are bytes of the server encoding */
} JsString;

#ifdef USE_ICU
/* Whether ICU can read the server encoding. */
static bool
JsCanUseIcu(void)
{
	return get_encoding_name_for_icu(GetDatabaseEncoding()) != NULL;
}
#endif

/* A server-encoded string as UTF-16. */
static JsString
JsFromServer(const char *s)
{
	JsString	js;
	int32		i;

	js.len = strlen(s);
	js.raw = !IsAscii(s);
#ifdef USE_ICU
	if (js.raw && JsCanUseIcu())
	{
		UChar	   *units;

		js.len = icu_to_uchar(&units, s, js.len);
		js.units = (uint16 *) units;
		js.raw = false;
		return js;
	}
#endif
	js.units = palloc(sizeof(uint16) * (js.len + 1));
	for (i = 0; i < js.len; i++)
		js.units[i] = (unsigned char) s[i];
	return js;
}

/* A UTF-16 string back in the server encoding. */
static char *
JsToServer(JsString js)
{
	char	   *s;
	int32		i;

#ifdef USE_ICU
	if (!js.raw)
	{
		for (i = 0; i < js.len && js.units[i] < 0x80; i++)
			;
		if (i < js.len)
		{
			icu_from_uchar(&s, (UChar *) js.units, js.len);
			return s;
		}
	}
#endif
	s = palloc(js.len + 1);
	for (i = 0; i < js.len; i++)
		s[i] = (char) js.units[i];
	s[js.len] = '\0';
	return s;
}

/* JavaScript's \s, which is also what String.prototype.trim removes. */
static bool
JsIsSpace(uint16 c, bool raw)
{
	if (raw && c >= 0x80)
		return false;
	switch (c)
	{
		case 0x09:
		case 0x0A:
		case 0x0B:
		case 0x0C:
		case 0x0D:
		case 0x20:
		case 0xA0:
		case 0x1680:
		case 0x2028:
		case 0x2029:
		case 0x202F:
		case 0x205F:
		case 0x3000:
		case 0xFEFF:
			return true;
	}
	return c >= 0x2000 && c <= 0x200A;
}

#ifdef USE_ICU
/* Reports a failed ICU case mapping. */
static void
JsCheckIcu(UErrorCode status)
{
	if (U_FAILURE(status))
		ereport(ERROR,
				(errmsg("could not convert the case of a string: %s", u_errorName(status))));
}
#endif

/*
 * Appends the toUpperCase() of a one-unit string: up to three units (as
 * "ß" gives "SS").  A lone surrogate stays as it is.
 */
static void
JsAppendUpper(StringInfo out, uint16 c, bool raw)
{
	uint16		upper[4];
	int32		n = 1;

	upper[0] = (c < 0x80) ? (uint16) pg_ascii_toupper((unsigned char) c) : c;
#ifdef USE_ICU
	if (c >= 0x80 && !raw)
	{
		UErrorCode	status = U_ZERO_ERROR;
		UChar		src = c;

		n = u_strToUpper((UChar *) upper, lengthof(upper), &src, 1, "",
						 &status);
		JsCheckIcu(status);
	}
#endif
	appendBinaryStringInfo(out, (char *) upper, n * sizeof(uint16));
}

/* A string lower-cased as JavaScript's toLowerCase does it. */
static JsString
JsLower(JsString js)
{
	JsString	lower = js;
	int32		i;

#ifdef USE_ICU
	if (!js.raw)
	{
		UErrorCode	status = U_ZERO_ERROR;
		int32		n;

		n = u_strToLower(NULL, 0, (UChar *) js.units, js.len, "", &status);
		if (status != U_BUFFER_OVERFLOW_ERROR)
			JsCheckIcu(status);
		status = U_ZERO_ERROR;
		lower.units = palloc(sizeof(uint16) * (n + 1));
		lower.len = u_strToLower((UChar *) lower.units, n + 1,
								 (UChar *) js.units, js.len, "", &status);
		JsCheckIcu(status);
		return lower;
	}
#endif
	for (i = 0; i < lower.len; i++)
	{
		if (lower.units[i] < 0x80)
			lower.units[i] = pg_ascii_tolower((unsigned char) lower.units[i]);
	}
	return lower;
}

/* Whether c is in JavaScript's class [-_\s]. */
static bool
JsIsSeparator(uint16 c, bool raw)
{
	return c == '-' || c == '_' || JsIsSpace(c, raw);
}

/*
 * Sequelize 6's Utils.camelize:
 *   str.trim().replace(/[-_\s]+(.)?/g, (m, c) => c ? c.toUpperCase() : '')
 * A trailing run of separators is dropped (Sequelize throws there).
 */
char *
OrmCamelize(const char *str)
{
	JsString	js = JsFromServer(str);
	StringInfoData out;
	int32		i = 0;
	int32		end = js.len;

	while (i < end && JsIsSpace(js.units[i], js.raw))
		i++;
	while (end > i && JsIsSpace(js.units[end - 1], js.raw))
		end--;

	initStringInfo(&out);
	while (i < end)
	{
		if (!JsIsSeparator(js.units[i], js.raw))
		{
			appendBinaryStringInfo(&out, (char *) &js.units[i++],
								   sizeof(uint16));
			continue;
		}
		while (i < end && JsIsSeparator(js.units[i], js.raw))
			i++;
		if (i < end)
			JsAppendUpper(&out, js.units[i++], js.raw);
	}
	pfree(js.units);
	js.units = (uint16 *) out.data;
	js.len = out.len / sizeof(uint16);
	return JsToServer(js);
}

/*
 * inflection.underscore without its second argument: each "::"-separated
 * part gets "_" before every ASCII capital and loses one leading "_"; the
 * parts are joined with "/" and the whole is lower-cased.
 */
char *
OrmUnderscore(const char *str)
{
	StringInfoData out;
	const char *p = str;
	int			part_start = 0;
	int			i;
	JsString	js;
	JsString	lower;

	initStringInfo(&out);
	for (;;)
	{
		if (*p == '\0' || (p[0] == ':' && p[1] == ':'))
		{
			/* the part ends: drop one leading "_" */
			if (out.len > part_start && out.data[part_start] == '_')
			{
				memmove(out.data + part_start, out.data + part_start + 1,
						out.len - part_start);
				out.len--;
			}
			if (*p == '\0')
				break;
			appendStringInfoChar(&out, '/');
			part_start = out.len;
			p += 2;
			continue;
		}
		if (*p >= 'A' && *p <= 'Z')
			appendStringInfoChar(&out, '_');
		appendStringInfoChar(&out, *p++);
	}

	if (IsAscii(out.data))
	{
		for (i = 0; i < out.len; i++)
			out.data[i] = pg_ascii_tolower((unsigned char) out.data[i]);
		return out.data;
	}
	js = JsFromServer(out.data);
	pfree(out.data);
	lower = JsLower(js);
	if (lower.units != js.units)
		pfree(js.units);
	return JsToServer(lower);
}

PG_FUNCTION_INFO_V1(orm_pluralize);

/* orm.pluralize(word text) RETURNS text */
Datum
orm_pluralize(PG_FUNCTION_ARGS)
{
	char	   *word = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_TEXT_P(cstring_to_text(OrmPluralize(word)));
}

PG_FUNCTION_INFO_V1(orm_singularize);

/* orm.singularize(word text) RETURNS text */
Datum
orm_singularize(PG_FUNCTION_ARGS)
{
	char	   *word = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_TEXT_P(cstring_to_text(OrmSingularize(word)));
}
