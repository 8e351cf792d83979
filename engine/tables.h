/*
 * tables.h: an index's values held by docid, for the engine's loops over
 * every match (engine.cc only; C++).
 *
 * Reading a value from Xapian for every match of every query is most of
 * what the recency weight and the facet counts would cost. Each thread
 * keeps the tables of the indexes it searched last, for one state of
 * each (struct Revision): a commit, or a writer's new documents, builds
 * them anew.
 */
#ifndef PRS_TABLES_H
#define PRS_TABLES_H

#include <xapian.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

// One state of one index.
struct Revision {
    std::string uuid;
    Xapian::rev revision = 0;
    Xapian::docid lastdocid = 0;
    Xapian::doccount doccount = 0;

    static Revision of(const Xapian::Database &db);
    bool operator==(const Revision &o) const
    {
        return revision == o.revision && lastdocid == o.lastdocid &&
               doccount == o.doccount && uuid == o.uuid;
    }
};

// The date of every release (PRS_SLOT_DATE) as days since 1970-01-01, by
// docid (-1: none).
struct DateDays {
    std::vector<int32_t> days;
    Xapian::doccount dated = 0; // releases with a date
    long newest = -1;           // the latest date, -1 if none
};

// The values of one slot by docid, as numbers: code[docid] is 1 + the
// index of the document's value in values (in byte order), 0 for no (or
// an empty) value.
struct SlotCodes {
    std::vector<uint32_t> code;
    std::vector<std::string> values;
};

// The tables of db's current state. A reference stays valid while this
// thread searches the same state of the index.
const DateDays &date_days(const Xapian::Database &db);
const SlotCodes &slot_codes(const Xapian::Database &db, Xapian::valueno slot);

#endif
