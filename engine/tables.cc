// tables.cc: an index's values held by docid (tables.h).
#include "tables.h"

#include "schema.h"

#include <climits>
#include <cstdint>

Revision Revision::of(const Xapian::Database &db)
{
    Revision r;
    r.uuid = db.get_uuid();
    r.revision = db.get_revision();
    r.lastdocid = db.get_lastdocid();
    r.doccount = db.get_doccount();
    return r;
}

namespace {

// Tables of the indexes one thread searched last, each for one state.
template <class T> struct Entry {
    Revision rev;
    T tables;
};

// The entry of cache for db, emptied when db's state is not the entry's.
template <class T>
Entry<T> &entry(std::vector<Entry<T>> &cache, const Xapian::Database &db)
{
    Revision now = Revision::of(db);
    for (auto &e : cache) {
        if (e.rev.uuid != now.uuid)
            continue;
        if (!(e.rev == now)) {
            e.rev = now;
            e.tables = T();
        }
        return e;
    }
    if (cache.size() >= 4) // a thread searches one index, or a few
        cache.clear();
    cache.push_back(Entry<T>{now, T()});
    return cache.back();
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}

// Days since the epoch of a PRS_SLOT_DATE value "YYYYMMDD..." (unknown
// month or day "00" count as the first); -1 if it is not a date.
long date_value_days(const std::string &v)
{
    if (v.size() < 8)
        return -1;
    long n[8];
    for (size_t i = 0; i < 8; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        n[i] = v[i] - '0';
    }
    long y = n[0] * 1000 + n[1] * 100 + n[2] * 10 + n[3];
    unsigned m = static_cast<unsigned>(n[4] * 10 + n[5]);
    unsigned d = static_cast<unsigned>(n[6] * 10 + n[7]);
    if (m > 12 || d > 31)
        return -1;
    return days_from_civil(y, m ? m : 1, d ? d : 1);
}

} // namespace

const DateDays &date_days(const Xapian::Database &db)
{
    static thread_local std::vector<Entry<DateDays>> cache;
    Entry<DateDays> &e = entry(cache, db);
    DateDays &t = e.tables;
    if (!t.days.empty())
        return t;
    const Xapian::docid last = e.rev.lastdocid;
    t.days.assign(static_cast<size_t>(last) + 1, -1);
    for (auto v = db.valuestream_begin(PRS_SLOT_DATE);
         v != db.valuestream_end(PRS_SLOT_DATE); ++v) {
        long d = date_value_days(*v);
        if (d < 0 || d > INT32_MAX || v.get_docid() > last)
            continue;
        t.days[v.get_docid()] = static_cast<int32_t>(d);
        t.dated++;
        if (d > t.newest)
            t.newest = d;
    }
    return t;
}

const SlotCodes &slot_codes(const Xapian::Database &db, Xapian::valueno slot)
{
    // Per index, the slots asked for so far (a map keeps references).
    static thread_local std::vector<Entry<std::map<Xapian::valueno, SlotCodes>>>
        cache;
    auto &e = entry(cache, db);
    auto found = e.tables.find(slot);
    if (found != e.tables.end())
        return found->second;
    SlotCodes &t = e.tables[slot];
    const Xapian::docid last = e.rev.lastdocid;
    t.code.assign(static_cast<size_t>(last) + 1, 0);
    // Codes in the order values are met, then renumbered in byte order.
    std::map<std::string, uint32_t> index;
    for (auto v = db.valuestream_begin(slot); v != db.valuestream_end(slot);
         ++v) {
        if ((*v).empty() || v.get_docid() > last)
            continue;
        auto at = index.emplace(*v, static_cast<uint32_t>(index.size()));
        t.code[v.get_docid()] = at.first->second + 1;
    }
    std::vector<uint32_t> rank(index.size());
    for (auto &v : index) {
        rank[v.second] = static_cast<uint32_t>(t.values.size());
        t.values.push_back(v.first);
    }
    for (uint32_t &c : t.code)
        if (c)
            c = rank[c - 1] + 1;
    return t;
}
