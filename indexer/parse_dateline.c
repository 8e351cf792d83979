/*
 * parse_dateline.c: recognises the publication line that press rooms print
 * near a release ("25.11.2022 14:00:06 CET | Pressmeddelande",
 * "Pressmeddelande • 3 mars 2023 kl. 09.30"), and tells it from a date
 * inside a sentence and from a teaser of another release, whose title is
 * glued to its date ("Ny bro över Göta älv02.11.2022 09:00:00 CET |
 * Pressmeddelande").
 */
#include "parse_int.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static const char *const month_prefixes[] = {
    "jan", "feb", "mar", "apr", "maj", "may", "jun", "jul", "aug", "sep",
    "okt", "oct", "nov", "dec", NULL,
};

static bool month_prefix(const char *s, size_t n)
{
    for (size_t i = 0; month_prefixes[i]; i++)
        if (n >= 3 && strncasecmp(s, month_prefixes[i], 3) == 0)
            return true;
    return false;
}

/* Matches a date (and optional time and zone) at s[p]; returns the end
 * position and sets *has_time, or 0 if there is none. */
static size_t match_date(const char *s, size_t n, size_t p, bool *has_time)
{
    size_t q = p, d = 0;
    *has_time = false;
    while (q < n && is_digit(s[q]) && d < 4)
        q++, d++;
    if (d == 4 && q + 5 < n && s[q] == '-' && is_digit(s[q + 1]) &&
        is_digit(s[q + 2]) && s[q + 3] == '-' && is_digit(s[q + 4]) &&
        is_digit(s[q + 5])) {
        q += 6; /* YYYY-MM-DD */
    } else if (d >= 1 && d <= 2 && q < n && s[q] == '.' && q + 1 < n &&
               is_digit(s[q + 1])) {
        q++; /* D.M.YYYY */
        size_t m = 0;
        while (q < n && is_digit(s[q]) && m < 3)
            q++, m++;
        if (m < 1 || m > 2 || q + 4 >= n || s[q] != '.')
            return 0;
        q++;
        for (int k = 0; k < 4; k++, q++)
            if (q >= n || !is_digit(s[q]))
                return 0;
    } else if (d >= 1 && d <= 2 && q < n && (s[q] == ' ' || s[q] == '.')) {
        /* "25 november 2022" */
        if (s[q] == '.')
            q++;
        if (q < n && s[q] == ' ')
            q++;
        size_t w = q;
        while (q < n && ((s[q] >= 'a' && s[q] <= 'z') || (s[q] >= 'A' && s[q] <= 'Z')))
            q++;
        if (q - w < 3 || !month_prefix(s + w, q - w))
            return 0;
        if (q < n && s[q] == '.')
            q++;
        if (q >= n || s[q] != ' ')
            return 0;
        q++;
        for (int k = 0; k < 4; k++, q++)
            if (q >= n || !is_digit(s[q]))
                return 0;
    } else {
        return 0;
    }
    if (q < n && is_digit(s[q]))
        return 0;
    /* Optional time: [","] " " ["kl." " "] H[H](:|.)MM[:SS] [" " ZONE] */
    size_t t = q;
    if (t < n && s[t] == ',')
        t++;
    if (t < n && (s[t] == ' ' || s[t] == 'T'))
        t++;
    if (n - t >= 3 && (memcmp(s + t, "kl.", 3) == 0 || memcmp(s + t, "kl ", 3) == 0)) {
        t += 3;
        if (t < n && s[t] == ' ')
            t++;
    }
    size_t h = 0;
    while (t + h < n && is_digit(s[t + h]) && h < 3)
        h++;
    if (h >= 1 && h <= 2 && t + h + 2 < n && (s[t + h] == ':' || s[t + h] == '.') &&
        is_digit(s[t + h + 1]) && is_digit(s[t + h + 2])) {
        q = t + h + 3;
        *has_time = true;
        if (q + 2 < n && s[q] == ':' && is_digit(s[q + 1]) && is_digit(s[q + 2]))
            q += 3;
        /* A zone: " CET", " CEST", " UTC", "Z". */
        size_t z = q;
        if (z < n && s[z] == ' ')
            z++;
        size_t zl = 0;
        while (z + zl < n && s[z + zl] >= 'A' && s[z + zl] <= 'Z' && zl < 6)
            zl++;
        if (zl >= 2 && zl <= 5 && (z + zl == n || s[z + zl] == ' '))
            q = z + zl;
    }
    return q;
}

/* The separator between date and type: '|', U+2022 '•' or U+00B7 '·'. */
static size_t separator_len(const char *s, size_t n)
{
    if (n >= 1 && s[0] == '|')
        return 1;
    if (n >= 3 && memcmp(s, "\xE2\x80\xA2", 3) == 0)
        return 3;
    if (n >= 2 && memcmp(s, "\xC2\xB7", 2) == 0)
        return 2;
    return 0;
}

static bool short_label(const char *s, size_t n)
{
    return n > 0 && n <= 40 && prs__count_words(s, n) <= 4 && !prs__ends_sentence(s, n);
}

/* Recognises a line that is, or ends in, a publication date. */
bool prs__scan_dateline(const char *s, size_t n, struct prs__dateline *dl)
{
    memset(dl, 0, sizeof *dl);
    for (size_t p = 0; p < n; p++) {
        if (!is_digit(s[p]) || (p > 0 && is_digit(s[p - 1])))
            continue;
        bool has_time;
        size_t q = match_date(s, n, p, &has_time);
        if (!q || q - p >= 40)
            continue;
        char span[48];
        memcpy(span, s + p, q - p);
        span[q - p] = '\0';
        if (prs_doc_normalize_date(span, dl->date, sizeof dl->date) < 0)
            continue;
        /* What follows: nothing, or "| Type". */
        size_t rest = n - q;
        const char *r = prs_trim(s + q, &rest);
        const char *type = NULL;
        size_t type_len = 0;
        if (rest) {
            size_t k = separator_len(r, rest);
            if (!k)
                return false; /* a date inside a sentence */
            type_len = rest - k;
            type = prs_trim(r + k, &type_len);
            if (!short_label(type, type_len))
                return false;
        }
        /* What precedes: nothing, "Type |", or a teaser's title. */
        size_t pre = p;
        const char *pr = prs_trim(s, &pre);
        if (pre == 0) {
            dl->standalone = true;
        } else {
            size_t k = 0;
            for (size_t j = 1; j <= 3 && j <= pre && !k; j++)
                if (separator_len(pr + pre - j, j) == j)
                    k = j;
            if (k) {
                size_t tl = pre - k;
                const char *t = prs_trim(pr, &tl);
                if (!short_label(t, tl))
                    return false;
                if (!type) {
                    type = t;
                    type_len = tl;
                }
                dl->standalone = true;
            } else if (has_time) {
                dl->teaser = true;
            } else {
                return false;
            }
        }
        dl->type = type;
        dl->type_len = type_len;
        return true;
    }
    return false;
}
