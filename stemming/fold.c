/*
 * fold.c: å/ä/ö-forgiving forms (see fold_int.h).
 *
 * Every non-ASCII code point is decomposed by utf8proc with its marks
 * stripped (ä = a + U+0308 -> a), one code point at a time into a small
 * stack buffer, so folding allocates nothing. Letters that Unicode does not
 * decompose but that Nordic keyboards lack get a fixed mapping.
 */
#include "fold_int.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

/* Letters without a canonical decomposition, folded the way a Swede
 * without the key would type them. */
static const char *fixed_fold(utf8proc_int32_t cp)
{
    switch (cp) {
    case 0xF8: return "o";  /* ø */
    case 0xE6: return "ae"; /* æ */
    case 0xDF: return "ss"; /* ß (case folding already makes it "ss") */
    case 0x131: return "i"; /* dotless ı */
    case 0x142: return "l"; /* ł */
    case 0x111: return "d"; /* đ */
    default: return NULL;
    }
}

static bool put(char *out, size_t cap, size_t *n, const void *s, size_t len)
{
    if (*n + len >= cap)
        return false;
    memcpy(out + *n, s, len);
    *n += len;
    return true;
}

bool prs_fold_diacritics(const char *text, size_t len, char *out, size_t cap,
                         size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, n = 0;
    bool changed = false;
    while (i < len && s[i] < 0x80)
        i++;
    if (i == len || cap == 0)
        return false; /* ASCII: nothing to fold */
    if (!put(out, cap, &n, text, i))
        return false;
    while (i < len) {
        if (s[i] < 0x80) {
            if (!put(out, cap, &n, s + i, 1))
                return false;
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t step =
            utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (step <= 0)
            return false; /* the analyzer never hands over invalid UTF-8 */
        const char *fixed = fixed_fold(cp);
        if (fixed) {
            changed = true;
            if (!put(out, cap, &n, fixed, strlen(fixed)))
                return false;
            i += (size_t)step;
            continue;
        }
        utf8proc_int32_t dec[8];
        int bound = 0;
        utf8proc_ssize_t k = utf8proc_decompose_char(
            cp, dec, 8, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, &bound);
        if (k < 0 || k > 8) {
            k = 1; /* keep the code point as it is */
            dec[0] = cp;
        }
        for (utf8proc_ssize_t j = 0; j < k; j++) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t m = utf8proc_encode_char(dec[j], enc);
            if (!put(out, cap, &n, enc, (size_t)m))
                return false;
        }
        if (k != 1 || dec[0] != cp)
            changed = true;
        i += (size_t)step;
    }
    if (!changed || n == 0)
        return false;
    out[n] = '\0';
    *out_len = n;
    return true;
}
