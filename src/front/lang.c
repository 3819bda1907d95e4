/* lang.c - languages and writing directions on the model.
 *
 * mc_fe_set_lang() takes the `lang` and `dir` attributes of raw HTML and
 * of kramdown IALs.  mc_fe_lang(), the last rule, then
 *   1. settles dir="auto" from the node's first strong letter;
 *   2. gives a block of inlines (paragraph, heading, caption...) without
 *      a language of its own, whose letters are mostly of a script its
 *      inherited language does not use, the language of that script;
 *   3. gives every node whose language is written in the other direction
 *      than its parent's that direction;
 *   4. moves a language shared by all the paragraphs of a list item or
 *      table cell up to the item or cell.
 * Script detection counts letters only: digits, punctuation, spaces and
 * symbols are in no script, and neither is inline code. */
#include "internal.h"
#include "../util/grow.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/utf8.h"

typedef enum script {
	SC_LATIN = 0,
	SC_ARABIC,
	SC_HEBREW,
	SC_SYRIAC,
	SC_THAANA,
	SC_HAN,
	SC_KANA,
	SC_HANGUL,
	SC_CYRILLIC,
	SC_GREEK,
	SC_ARMENIAN,
	SC_GEORGIAN,
	SC_DEVANAGARI,
	SC_BENGALI,
	SC_GURMUKHI,
	SC_GUJARATI,
	SC_TAMIL,
	SC_TELUGU,
	SC_KANNADA,
	SC_MALAYALAM,
	SC_SINHALA,
	SC_THAI,
	SC_LAO,
	SC_TIBETAN,
	SC_MYANMAR,
	SC_KHMER,
	SC_ETHIOPIC,
	SC__MAX
} script;

/* The language given to text in each script; NULL: none can be told
 * (Latin is written in too many). */
static const struct {
	const char *lang;
	const char *iso; /* ISO 15924 subtag, for tags such as sr-Latn */
} scripts[SC__MAX] = {
	[SC_LATIN] = {NULL, "Latn"},      [SC_ARABIC] = {"ar", "Arab"},
	[SC_HEBREW] = {"he", "Hebr"},     [SC_SYRIAC] = {"syr", "Syrc"},
	[SC_THAANA] = {"dv", "Thaa"},     [SC_HAN] = {"zh", "Hani"},
	[SC_KANA] = {"ja", "Kana"},       [SC_HANGUL] = {"ko", "Hang"},
	[SC_CYRILLIC] = {"ru", "Cyrl"},   [SC_GREEK] = {"el", "Grek"},
	[SC_ARMENIAN] = {"hy", "Armn"},   [SC_GEORGIAN] = {"ka", "Geor"},
	[SC_DEVANAGARI] = {"hi", "Deva"}, [SC_BENGALI] = {"bn", "Beng"},
	[SC_GURMUKHI] = {"pa", "Guru"},   [SC_GUJARATI] = {"gu", "Gujr"},
	[SC_TAMIL] = {"ta", "Taml"},      [SC_TELUGU] = {"te", "Telu"},
	[SC_KANNADA] = {"kn", "Knda"},    [SC_MALAYALAM] = {"ml", "Mlym"},
	[SC_SINHALA] = {"si", "Sinh"},    [SC_THAI] = {"th", "Thai"},
	[SC_LAO] = {"lo", "Laoo"},        [SC_TIBETAN] = {"bo", "Tibt"},
	[SC_MYANMAR] = {"my", "Mymr"},    [SC_KHMER] = {"km", "Khmr"},
	[SC_ETHIOPIC] = {"am", "Ethi"},
};

/* Letters of each script (ranges in code point order; what is not here,
 * or is a Latin-1 symbol, counts for none). */
static const struct {
	uint32_t lo, hi;
	script sc;
} ranges[] = {
	{0x0041, 0x005A, SC_LATIN},      {0x0061, 0x007A, SC_LATIN},
	{0x00C0, 0x00D6, SC_LATIN},      {0x00D8, 0x00F6, SC_LATIN},
	{0x00F8, 0x024F, SC_LATIN},      {0x0370, 0x03FF, SC_GREEK},
	{0x0400, 0x052F, SC_CYRILLIC},   {0x0531, 0x058F, SC_ARMENIAN},
	{0x0591, 0x05FF, SC_HEBREW},     {0x0620, 0x064A, SC_ARABIC},
	{0x066E, 0x06D3, SC_ARABIC},     {0x06D5, 0x06FF, SC_ARABIC},
	{0x0700, 0x074F, SC_SYRIAC},     {0x0750, 0x077F, SC_ARABIC},
	{0x0780, 0x07BF, SC_THAANA},     {0x08A0, 0x08FF, SC_ARABIC},
	{0x0900, 0x0963, SC_DEVANAGARI}, {0x0966, 0x097F, SC_DEVANAGARI},
	{0x0980, 0x09FF, SC_BENGALI},    {0x0A00, 0x0A7F, SC_GURMUKHI},
	{0x0A80, 0x0AFF, SC_GUJARATI},   {0x0B80, 0x0BFF, SC_TAMIL},
	{0x0C00, 0x0C7F, SC_TELUGU},     {0x0C80, 0x0CFF, SC_KANNADA},
	{0x0D00, 0x0D7F, SC_MALAYALAM},  {0x0D80, 0x0DFF, SC_SINHALA},
	{0x0E00, 0x0E7F, SC_THAI},       {0x0E80, 0x0EFF, SC_LAO},
	{0x0F00, 0x0FFF, SC_TIBETAN},    {0x1000, 0x109F, SC_MYANMAR},
	{0x10A0, 0x10FF, SC_GEORGIAN},   {0x1100, 0x11FF, SC_HANGUL},
	{0x1200, 0x139F, SC_ETHIOPIC},   {0x1780, 0x17FF, SC_KHMER},
	{0x1E00, 0x1EFF, SC_LATIN},      {0x1F00, 0x1FFF, SC_GREEK},
	{0x3041, 0x309F, SC_KANA},       {0x30A1, 0x30FA, SC_KANA},
	{0x30FD, 0x30FF, SC_KANA},       {0x3131, 0x318F, SC_HANGUL},
	{0x31F0, 0x31FF, SC_KANA},       {0x3400, 0x4DBF, SC_HAN},
	{0x4E00, 0x9FFF, SC_HAN},        {0xAC00, 0xD7AF, SC_HANGUL},
	{0xF900, 0xFAFF, SC_HAN},        {0xFB1D, 0xFB4F, SC_HEBREW},
	{0xFB50, 0xFDFF, SC_ARABIC},     {0xFE70, 0xFEFF, SC_ARABIC},
	{0xFF21, 0xFF3A, SC_LATIN},      {0xFF41, 0xFF5A, SC_LATIN},
	{0xFF66, 0xFF9D, SC_KANA},       {0x20000, 0x3134F, SC_HAN},
};

#define BIT(s) (1u << (s))

/* The scripts a language is written in (primary subtags); any other
 * language: Latin. */
static const struct {
	const char *langs; /* space-separated primary subtags */
	unsigned scripts;
} lang_scripts[] = {
	{"ar fa ur ps ckb sd ug ks pnb", BIT(SC_ARABIC)},
	{"he iw yi ji", BIT(SC_HEBREW)},
	{"syr arc", BIT(SC_SYRIAC)},
	{"dv", BIT(SC_THAANA)},
	{"zh yue wuu cmn", BIT(SC_HAN)},
	{"ja", BIT(SC_HAN) | BIT(SC_KANA)},
	{"ko", BIT(SC_HANGUL) | BIT(SC_HAN)},
	{"ru uk be bg mk sr kk ky tg mn tt ba cv ce os", BIT(SC_CYRILLIC)},
	{"el grc", BIT(SC_GREEK)},
	{"hy", BIT(SC_ARMENIAN)},
	{"ka", BIT(SC_GEORGIAN)},
	{"hi mr ne sa kok mai bho", BIT(SC_DEVANAGARI)},
	{"bn as", BIT(SC_BENGALI)},
	{"pa", BIT(SC_GURMUKHI)},
	{"gu", BIT(SC_GUJARATI)},
	{"ta", BIT(SC_TAMIL)},
	{"te", BIT(SC_TELUGU)},
	{"kn", BIT(SC_KANNADA)},
	{"ml", BIT(SC_MALAYALAM)},
	{"si", BIT(SC_SINHALA)},
	{"th", BIT(SC_THAI)},
	{"lo", BIT(SC_LAO)},
	{"bo dz", BIT(SC_TIBETAN)},
	{"my", BIT(SC_MYANMAR)},
	{"km", BIT(SC_KHMER)},
	{"am ti", BIT(SC_ETHIOPIC)},
};

/* The scripts of a language tag: a script subtag wins (sr-Latn,
 * pa-Arab; Jpan and Kore are mixes). */
static unsigned scripts_of(const char *tag)
{
	size_t k = strcspn(tag, "-_");
	for (const char *p = tag + k; *p;) {
		p++;
		size_t m = strcspn(p, "-_");
		if (m == 4) {
			if (!strncasecmp(p, "Jpan", 4))
				return BIT(SC_HAN) | BIT(SC_KANA);
			if (!strncasecmp(p, "Kore", 4))
				return BIT(SC_HANGUL) | BIT(SC_HAN);
			if (!strncasecmp(p, "Hans", 4) ||
			    !strncasecmp(p, "Hant", 4))
				return BIT(SC_HAN);
			for (int s = 0; s < SC__MAX; s++)
				if (!strncasecmp(p, scripts[s].iso, 4))
					return BIT(s);
		}
		p += m;
	}
	for (size_t i = 0; i < sizeof lang_scripts / sizeof *lang_scripts;
	     i++) {
		const char *l = lang_scripts[i].langs;
		while (*l) {
			size_t m = strcspn(l, " ");
			if (m == k && !strncasecmp(l, tag, k))
				return lang_scripts[i].scripts;
			l += m;
			while (*l == ' ')
				l++;
		}
	}
	return BIT(SC_LATIN);
}

/* The script of a code point, or SC__MAX for none. */
static script script_of(uint32_t cp)
{
	size_t lo = 0, hi = sizeof ranges / sizeof *ranges;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < ranges[mid].lo)
			hi = mid;
		else if (cp > ranges[mid].hi)
			lo = mid + 1;
		else
			return ranges[mid].sc;
	}
	return SC__MAX;
}

static bool script_rtl(script s)
{
	return s == SC_ARABIC || s == SC_HEBREW || s == SC_SYRIAC ||
	       s == SC_THAANA;
}

/* Letters per script in the text under n; a span with its own language
 * and inline code do not count.  *first gets the script of the first
 * letter (SC__MAX if none). */
static void count_letters(const mc_node *n, size_t counts[SC__MAX],
                          script *first)
{
	*first = SC__MAX;
	for (const mc_node *k = n->first; k;) {
		bool skip = k->type == MC_CODE ||
		            (k->type == MC_SPAN && k->lang);
		if (k->type == MC_TEXT && !skip) {
			const unsigned char *s =
				(const unsigned char *)k->as.text.text;
			size_t len = strlen(k->as.text.text);
			for (size_t i = 0; i < len;) {
				if (s[i] < 0x80) {
					/* ASCII: only its letters count
					 * (Latin, as ranges[] says) */
					unsigned char c = s[i++] | 0x20;
					if (c >= 'a' && c <= 'z') {
						counts[SC_LATIN]++;
						if (*first == SC__MAX)
							*first = SC_LATIN;
					}
					continue;
				}
				uint32_t cp = 0;
				size_t m = mc_utf8_decode(s + i, len - i, &cp);
				if (!m)
					m = 1;
				script sc = script_of(cp);
				if (sc < SC__MAX) {
					counts[sc]++;
					if (*first == SC__MAX)
						*first = sc;
				}
				i += m;
			}
		}
		if (!skip && k->first) {
			k = k->first;
			continue;
		}
		while (k != n && !k->next)
			k = k->parent;
		if (k == n)
			break;
		k = k->next;
	}
}

void mc_fe_set_lang(mc_fe *fe, mc_node *n, const char *lang,
                    const char *dir, uint32_t line)
{
	if (lang && *lang) {
		if (mc_lang_valid(lang))
			n->lang = mc_strdup(fe->doc, lang);
		else
			mc_warn(fe->diag, line, 0,
			        "lang=\"%.40s\" is not a language tag; ignored",
			        lang);
	}
	if (!dir || !*dir)
		return;
	if (strcasecmp(dir, "rtl") == 0) {
		n->dir = MC_DIR_RTL;
	} else if (strcasecmp(dir, "ltr") == 0) {
		n->dir = MC_DIR_LTR;
	} else if (strcasecmp(dir, "auto") == 0) {
		MC_GROW(fe->autodir, fe->nauto, fe->capauto, 8);
		fe->autodir[fe->nauto++] = n;
	} else {
		mc_warn(fe->diag, line, 0,
		        "dir=\"%.20s\" is not rtl, ltr or auto; ignored", dir);
	}
}

/* The last language tag scripts_of() was asked about, and its answer:
 * most paragraphs ask about the same one (the document's). */
typedef struct tag_memo {
	const char *tag;
	unsigned scripts;
} tag_memo;

/* Step 2 for one node. */
static void detect(mc_doc *doc, mc_node *n, tag_memo *memo)
{
	size_t counts[SC__MAX] = {0};
	script first;
	count_letters(n, counts, &first);
	size_t total = 0;
	for (int s = 0; s < SC__MAX; s++)
		total += counts[s];
	/* Chinese characters and kana are one writing: Japanese if any kana */
	size_t cjk = counts[SC_HAN] + counts[SC_KANA];
	script best = SC__MAX;
	size_t most = 0;
	for (int s = 0; s < SC__MAX; s++) {
		size_t c = s == SC_HAN || s == SC_KANA ? cjk : counts[s];
		if (c > most) {
			most = c;
			best = (script)s;
		}
	}
	if (best == SC_HAN || best == SC_KANA)
		best = counts[SC_KANA] ? SC_KANA : SC_HAN;
	if (best == SC__MAX || most * 2 <= total)
		return;
	const char *tag = mc_node_lang(doc, n->parent);
	if (!memo->tag || strcmp(memo->tag, tag) != 0) {
		memo->tag = tag;
		memo->scripts = scripts_of(tag);
	}
	unsigned have = memo->scripts;
	if (have & BIT(best))
		return;
	if (scripts[best].lang)
		n->lang = scripts[best].lang;
	else if (n->dir == MC_DIR_NONE &&
	         mc_node_dir(doc, n->parent) == MC_DIR_RTL)
		n->dir = MC_DIR_LTR; /* Latin in a right-to-left document: the
		                        language is unknown, the direction not */
}

/* Step 4: an item's or cell's paragraphs all in one other language. */
static void hoist(mc_node *n)
{
	if (n->lang || n->dir != MC_DIR_NONE || !n->first)
		return;
	const mc_node *f = n->first;
	for (const mc_node *k = f; k; k = k->next)
		if (k->type != MC_PARAGRAPH || !k->lang || !f->lang ||
		    !mc_lang_same(k->lang, f->lang) || k->dir != f->dir)
			return;
	n->lang = f->lang;
	n->dir = f->dir;
	for (mc_node *k = n->first; k; k = k->next) {
		k->lang = NULL;
		k->dir = MC_DIR_NONE;
	}
}

int mc_fe_lang(mc_fe *fe)
{
	mc_doc *doc = fe->doc;
	mc_node *root = doc->root;
	/* 1. dir="auto": the direction of the first letter */
	for (size_t i = 0; i < fe->nauto; i++) {
		mc_node *n = fe->autodir[i];
		size_t counts[SC__MAX] = {0};
		script first;
		count_letters(n, counts, &first);
		if (first != SC__MAX)
			n->dir = script_rtl(first) ? MC_DIR_RTL : MC_DIR_LTR;
		else if (n->type == MC_SPAN && !n->lang)
			n->dir = MC_DIR_LTR; /* a span needs lang or dir */
	}
	/* 2, 3: parents before children */
	tag_memo memo = {NULL, 0};
	for (mc_node *n = root->first; n; n = mc_node_next(n, root)) {
		if (!n->lang && mc_node_holds_inlines(n->type))
			detect(doc, n, &memo);
		if (n->lang && n->dir == MC_DIR_NONE) {
			mc_dir want = mc_lang_rtl(n->lang) ? MC_DIR_RTL
			                                   : MC_DIR_LTR;
			if (want != mc_node_dir(doc, n->parent))
				n->dir = want;
		}
	}
	/* 4 */
	for (mc_node *n = root->first; n; n = mc_node_next(n, root))
		if (n->type == MC_ITEM || n->type == MC_TABLE_CELL)
			hoist(n);
	return 0;
}
