// engine.cc: the C API of engine.h over xapian-core 1.4, and the only file
// in the project that includes <xapian.h>.
//
// Rules kept throughout:
//
//  - Every extern "C" function is a function-try-block whose handler calls
//    set_err_from_current_exception(), the one place where C++ exceptions
//    become PRS_E_* codes. Our own failures (bad arguments, a missing
//    document) are thrown as engine_error so they take the same path and
//    get the same "where: what" message layout.
//  - A handle is not thread-safe (neither are Xapian's objects); use one
//    per thread, or lock around it.
//  - Reads on a reader that trip over a concurrent commit
//    (DatabaseModifiedError) reopen the database and retry once.

#include <xapian.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

// engine.h names a function and a struct both prs_db_stats, fine in C; in
// C++ the function hides the struct's implicit constructor, which -Wshadow
// reports. The struct is always spelt "struct prs_db_stats" here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
extern "C" {
#include "engine.h"
#include "err.h"
#include "schema.h"
#include "strutil.h"
}
#pragma GCC diagnostic pop

#include "datacodec.h"
#include "engine_int.h"
#include "tables.h"

// ---- Handle types ------------------------------------------------------

// The index's words: its terms that start with no upper-case prefix
// letter (schema.h), in byte order, with their term frequencies. The
// spelling correction and completions scan thousands of them per query,
// and walking Xapian's term list for that was a tenth of query_bench's
// instructions; a reader keeps them in memory, read once per revision.
struct Vocabulary {
    std::string uuid;
    Xapian::rev revision = 0;
    Xapian::doccount doccount = 0;
    bool valid = false;
    std::string text;            // the terms, each NUL-ended
    std::vector<uint32_t> start; // offset of each term in text
    std::vector<uint32_t> freq;
};

struct prs_db {
    std::string path;
    bool writable = false;
    Xapian::Database rdb;         // PRS_DB_READ
    Xapian::WritableDatabase wdb; // PRS_DB_WRITE
    uint64_t retries = 0;         // DatabaseModifiedError recoveries
    // The folder a reader opened: a bulk build (indexer/bulk.h) puts a
    // new index in its place, which Xapian's reopen() would not notice.
    dev_t dev = 0;
    ino_t ino = 0;
    Vocabulary vocab; // readers only (words())
    DataCodec codec;  // stored data in and out

    Xapian::Database &db() { return writable ? wdb : rdb; }
};

namespace {
// True if the folder at db->path is not the one db->rdb was opened from.
bool replaced(prs_db *db)
{
    struct stat st;
    return stat(db->path.c_str(), &st) == 0 &&
           (st.st_dev != db->dev || st.st_ino != db->ino);
}

void open_reader(prs_db *db)
{
    struct stat st;
    if (stat(db->path.c_str(), &st) == 0) {
        db->dev = st.st_dev;
        db->ino = st.st_ino;
    }
    db->rdb = Xapian::Database(db->path);
}
} // namespace

struct prs_xdoc {
    // mutable: prs_db_replace() adds the id term for the duration of the
    // call and removes it again (see there for why).
    mutable Xapian::Document doc;
};

struct prs_query {
    Xapian::Query q; // refcounted by Xapian: copies are cheap and share
};

namespace {

struct hit {
    double score = 0;
    std::string data;
    // The values of prs_search_opts.value_slots, in slot order.
    std::vector<std::pair<Xapian::valueno, std::string>> values;
};

} // namespace

struct prs_hits {
    std::vector<hit> hits;
    uint64_t total = 0;
    bool total_exact = false;
    // Every match, when the search fetched them all from the first (its
    // page and rescore window held them): prs_hits_count_values() counts
    // over these instead of running the query again. They are docids of
    // the index at revision.
    bool complete = false;
    std::vector<Xapian::docid> all;
    Xapian::rev revision = 0;
};

namespace {

// ---- Errors -----------------------------------------------------------

// Our own failures, carried through the same mapper as Xapian's.
struct engine_error : std::runtime_error {
    int code;
    engine_error(int c, const std::string &m) : std::runtime_error(m), code(c)
    {
    }
};

[[noreturn]] void fail(int code, const std::string &msg)
{
    throw engine_error(code, msg);
}

void require(bool ok, const char *what)
{
    if (!ok)
        fail(PRS_E_BADARG, what);
}

void require_writable(const prs_db *db)
{
    if (!db->writable)
        fail(PRS_E_BADARG, "index is open read-only");
}

bool path_missing(const char *path)
{
    struct stat st;
    return path && stat(path, &st) != 0 && errno == ENOENT;
}

// Where an operation happened, for messages: "<path>: <op> <label> '<value>'".
// Plain C strings so that building a message never allocates (the mapper
// runs inside a catch handler and must not throw).
struct where {
    const char *path = nullptr;  // index path, or NULL
    const char *op = nullptr;    // "open", "replace", ...
    const char *label = nullptr; // "uid", "term", "key", or NULL
    const char *value = nullptr; // the uid/term/key
};

where at(const prs_db *db, const char *op, const char *label = nullptr,
         const char *value = nullptr)
{
    where w;
    w.path = db ? db->path.c_str() : nullptr;
    w.op = op;
    w.label = label;
    w.value = value;
    return w;
}

int report(prs_err *err, int code, const where &w, const char *type,
           const char *msg, const char *extra) noexcept
{
    // Long uids and terms are cut at 120 bytes: the message names the
    // record, it need not reproduce it.
    return prs_err_set(err, code, "%s%s%s%s%s%s%.120s%s: %s%s%s%s%s%s",
                       w.path ? w.path : "", w.path ? ": " : "",
                       w.op ? w.op : "engine", w.label ? " " : "",
                       w.label ? w.label : "", w.label ? " '" : "",
                       w.label ? (w.value ? w.value : "") : "",
                       w.label ? "'" : "", type ? type : "",
                       type ? ": " : "", msg ? msg : "",
                       extra && *extra ? " (" : "",
                       extra && *extra ? extra : "",
                       extra && *extra ? ")" : "");
}

// The one mapper from C++ exceptions to PRS_E_* codes. Call only from a
// catch handler. Returns the code.
int set_err_from_current_exception(prs_err *err, const where &w) noexcept
{
    try {
        throw;
    } catch (const engine_error &e) {
        return report(err, e.code, w, nullptr, e.what(), nullptr);
    } catch (const Xapian::DatabaseLockError &e) {
        return report(err, PRS_E_LOCKED, w, e.get_type(), e.get_msg().c_str(),
                      e.get_error_string());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return report(err, PRS_E_NOTFOUND, w, e.get_type(),
                      e.get_msg().c_str(), e.get_error_string());
    } catch (const Xapian::DatabaseOpeningError &e) {
        // Xapian reports some missing paths as a plain opening error.
        int code = path_missing(w.path) ? PRS_E_NOTFOUND : PRS_E_ENGINE;
        return report(err, code, w, e.get_type(), e.get_msg().c_str(),
                      e.get_error_string());
    } catch (const Xapian::DatabaseModifiedError &e) {
        return report(err, PRS_E_MODIFIED, w, e.get_type(),
                      e.get_msg().c_str(), e.get_error_string());
    } catch (const Xapian::Error &e) {
        return report(err, PRS_E_ENGINE, w, e.get_type(), e.get_msg().c_str(),
                      e.get_error_string());
    } catch (const StoredDataError &e) {
        return report(err, PRS_E_ENGINE, w, nullptr, e.what(), nullptr);
    } catch (const std::invalid_argument &e) {
        return report(err, PRS_E_BADARG, w, nullptr, e.what(), nullptr);
    } catch (const std::bad_alloc &) {
        return report(err, PRS_E_NOMEM, w, nullptr, "out of memory", nullptr);
    } catch (const std::exception &e) {
        return report(err, PRS_E_INTERNAL, w, "internal error", e.what(),
                      nullptr);
    } catch (...) {
        return report(err, PRS_E_INTERNAL, w, nullptr,
                      "internal error: unknown exception", nullptr);
    }
}

// Runs f(); if a reader's revision was overwritten by a concurrent commit,
// reopens it and runs f() once more (Xapian's documented recovery).
template <typename F> auto retry_modified(prs_db *db, F &&f) -> decltype(f())
{
    try {
        return f();
    } catch (const Xapian::DatabaseModifiedError &) {
        if (db->writable)
            throw;
        db->rdb.reopen();
        db->retries++;
    }
    return f();
}

// ---- Terms and ids ----------------------------------------------------

std::string id_term(const char *uid)
{
    size_t len = strlen(uid);
    std::string t(PRS_PREFIX_ID);
    // "Q" + uid when it fits; otherwise "Q#" + 64-bit FNV-1a of the uid.
    // A uid starting with '#' is hashed too, so that a plain id term can
    // never look like a hashed one. Two long uids with the same hash would
    // share a document; at 2^64 that is accepted rather than stored and
    // checked (odds ~3e-8 for a million long uids).
    if (t.size() + len <= PRS_TERM_MAX && uid[0] != '#') {
        t.append(uid, len);
        return t;
    }
    char hex[17];
    snprintf(hex, sizeof hex, "%016" PRIx64, prs_hash64(uid, len));
    t += '#';
    t += hex;
    return t;
}

// Terms we index: empty and overlong terms are dropped (Xapian refuses
// terms over 245 bytes at commit time, which would lose the whole batch).
bool term_ok(const char *term, size_t len)
{
    return term && len > 0 && len <= PRS_TERM_MAX;
}

bool doc_has_term(const Xapian::Document &doc, const std::string &term)
{
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to(term);
    return t != doc.termlist_end() && *t == term;
}

char *dup_bytes(const std::string &s)
{
    char *p = static_cast<char *>(malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

Xapian::doccount to_doccount(uint64_t n)
{
    // Headroom so that offset + limit cannot wrap inside the matcher.
    const uint64_t cap = std::numeric_limits<Xapian::doccount>::max() / 2;
    return static_cast<Xapian::doccount>(n < cap ? n : cap);
}

prs_query *new_query(Xapian::Query q)
{
    prs_query *r = new prs_query;
    r->q = std::move(q);
    return r;
}

std::vector<Xapian::Query> term_queries(const char *const *terms, size_t n)
{
    require(terms && n > 0, "need at least one term");
    std::vector<Xapian::Query> v;
    v.reserve(n);
    for (size_t i = 0; i < n; i++) {
        // An empty term would be Xapian's match-all query.
        require(terms[i] && terms[i][0], "empty term");
        v.emplace_back(terms[i]);
    }
    return v;
}

// The terms within window positions (OP_PHRASE: in order, OP_NEAR: in
// any order); window 0 means adjacent.
Xapian::Query positional(Xapian::Query::op op, const char *const *terms,
                         size_t n, unsigned window)
{
    std::vector<Xapian::Query> v = term_queries(terms, n);
    // Xapian's window is the span the terms must fit in; n is adjacent.
    Xapian::termcount w = window ? window : static_cast<Xapian::termcount>(n);
    return Xapian::Query(op, v.begin(), v.end(), w);
}

Xapian::Query::op xapian_op(int op)
{
    switch (op) {
    case PRS_QOP_AND:
        return Xapian::Query::OP_AND;
    case PRS_QOP_OR:
        return Xapian::Query::OP_OR;
    case PRS_QOP_AND_NOT:
        return Xapian::Query::OP_AND_NOT;
    case PRS_QOP_AND_MAYBE:
        return Xapian::Query::OP_AND_MAYBE;
    case PRS_QOP_FILTER:
        return Xapian::Query::OP_FILTER;
    case PRS_QOP_SYNONYM:
        return Xapian::Query::OP_SYNONYM;
    }
    fail(PRS_E_BADARG, "unknown query operator " + std::to_string(op));
}

// The weighting scheme, chosen here only: BM25 with Xapian's defaults
// (k1 1, k2 0, k3 1, b 0.5, min_normlen 0.5).
void set_weighting(Xapian::Enquire &enq)
{
    enq.set_weighting_scheme(Xapian::BM25Weight());
}

// A match by docid and weight, in rank order.
struct ranked {
    Xapian::docid did;
    double weight;
};

// The documents of a sorted docid list, weightless: restricts a query to
// them (rescore()).
class DocListSource : public Xapian::PostingSource {
    std::vector<Xapian::docid> ids_;
    size_t at_ = 0;
    bool started_ = false;

  public:
    explicit DocListSource(std::vector<Xapian::docid> ids)
        : ids_(std::move(ids))
    {
    }
    void init(const Xapian::Database &) override
    {
        at_ = 0;
        started_ = false;
    }
    Xapian::doccount get_termfreq_min() const override { return ids_.size(); }
    Xapian::doccount get_termfreq_est() const override { return ids_.size(); }
    Xapian::doccount get_termfreq_max() const override { return ids_.size(); }
    void next(double) override
    {
        if (started_)
            at_++;
        started_ = true;
    }
    void skip_to(Xapian::docid did, double) override
    {
        started_ = true;
        at_ = static_cast<size_t>(
            std::lower_bound(ids_.begin() + static_cast<long>(at_),
                             ids_.end(), did) -
            ids_.begin());
    }
    bool at_end() const override { return started_ && at_ >= ids_.size(); }
    Xapian::docid get_docid() const override { return ids_[at_]; }
    double get_weight() const override { return 0; }
    DocListSource *clone() const override { return new DocListSource(ids_); }
    std::string name() const override { return "prs_doclist"; }
};

// Adds the weight query gives each of the first window matches of hits
// and sorts them again, ties in their first order.
void rescore(prs_db *db, const Xapian::Query &query, size_t window,
             std::vector<ranked> &hits)
{
    const size_t n = std::min(window, hits.size());
    if (n < 2)
        return; // one match, or none: nothing to reorder
    std::vector<Xapian::docid> ids;
    ids.reserve(n);
    for (size_t i = 0; i < n; i++)
        ids.push_back(hits[i].did);
    std::sort(ids.begin(), ids.end());
    auto *only = new DocListSource(ids);
    Xapian::Enquire enq(db->db());
    enq.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query,
                                Xapian::Query(only->release())));
    set_weighting(enq);
    enq.set_docid_order(Xapian::Enquire::DONT_CARE);
    Xapian::MSet extra = enq.get_mset(0, static_cast<Xapian::doccount>(n));
    std::unordered_map<Xapian::docid, double> add;
    for (Xapian::MSetIterator i = extra.begin(); i != extra.end(); ++i)
        add[*i] = i.get_weight();
    for (size_t i = 0; i < n; i++) {
        auto at = add.find(hits[i].did);
        if (at != add.end())
            hits[i].weight += at->second;
    }
    std::stable_sort(hits.begin(), hits.begin() + static_cast<long>(n),
                     [](const ranked &a, const ranked &b) {
                         return a.weight > b.weight;
                     });
}

void run_search(prs_db *db, const Xapian::Query &query,
                const prs_search_opts *opts, prs_hits *out)
{
    Xapian::Enquire enq(db->db());
    enq.set_query(query);
    set_weighting(enq);
    enq.set_docid_order(Xapian::Enquire::DONT_CARE);
    if (opts->sort == PRS_SORT_DATE)
        enq.set_sort_by_value_then_relevance(PRS_SLOT_DATE, true);
    // Rescoring reorders the first window matches: a page that starts in
    // it needs them all, one after it does not.
    const bool rescoring = opts->rescore && opts->sort == PRS_SORT_RELEVANCE &&
                           opts->offset < opts->rescore_window;
    const size_t end = opts->offset + opts->limit;
    const size_t from = rescoring ? 0 : opts->offset;
    const size_t to = rescoring ? std::max(end, opts->rescore_window) : end;
    Xapian::MSet mset = enq.get_mset(to_doccount(from), to_doccount(to - from),
                                     to_doccount(opts->check_at_least));
    std::vector<ranked> order;
    order.reserve(mset.size());
    for (Xapian::MSetIterator i = mset.begin(); i != mset.end(); ++i)
        order.push_back({*i, i.get_weight()});
    // Fewer matches than asked for, from the first: there are no others.
    out->complete = from == 0 && mset.size() < to - from;
    out->all.clear();
    out->revision = db->db().get_revision();
    if (out->complete)
        for (const ranked &r : order)
            out->all.push_back(r.did);
    if (rescoring)
        rescore(db, opts->rescore->q, opts->rescore_window, order);
    out->hits.clear();
    for (size_t k = opts->offset - from; k < order.size() && k < end - from;
         k++) {
        hit h;
        h.score = order[k].weight;
        Xapian::Document doc =
            db->db().get_document(order[k].did, Xapian::DOC_ASSUME_VALID);
        h.data = db->codec.unpack(db->db(), doc.get_data());
        for (unsigned slot = 0; slot < 32; slot++) {
            if (!(opts->value_slots & (UINT32_C(1) << slot)))
                continue;
            std::string v = doc.get_value(slot);
            if (!v.empty())
                h.values.emplace_back(slot, std::move(v));
        }
        out->hits.push_back(std::move(h));
    }
    out->total = mset.get_matches_estimated();
    out->total_exact =
        mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
}

} // namespace

// ---- Test hooks (engine_int.h) ------------------------------------------

extern "C" uint64_t prs_db__retries(const struct prs_db *db)
try {
    return db ? db->retries : 0;
} catch (...) {
    return 0;
}

// ---- Opening ------------------------------------------------------------

extern "C" struct prs_db *prs_db_open(const char *path, int mode,
                                      struct prs_err *err)
try {
    require(path && *path, "no index path given");
    require(mode == PRS_DB_READ || mode == PRS_DB_WRITE ||
                mode == PRS_DB_WRITE_STAGING,
            "bad open mode");
    prs_db *db = new prs_db;
    try {
        db->path = path;
        db->writable = mode != PRS_DB_READ;
        if (mode == PRS_DB_WRITE)
            db->wdb = Xapian::WritableDatabase(
                path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
        else if (mode == PRS_DB_WRITE_STAGING)
            db->wdb = Xapian::WritableDatabase(
                path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC |
                          Xapian::DB_DANGEROUS | Xapian::DB_BACKEND_GLASS);
        else
            open_reader(db);
    } catch (...) {
        delete db;
        throw;
    }
    return db;
} catch (...) {
    where w;
    w.path = path;
    w.op = "open";
    set_err_from_current_exception(err, w);
    return nullptr;
}

extern "C" int prs_db_merge(const char *const *srcs, size_t n,
                            const char *dest, struct prs_err *err)
try {
    require(srcs && n > 0 && dest && *dest, "nothing to merge");
    Xapian::Database all;
    std::string dict; // the sources' stored-data dictionary, if any
    for (size_t i = 0; i < n; i++) {
        Xapian::Database src(srcs[i]);
        // Compaction keeps one value per metadata key: the documents of a
        // source with another dictionary would become unreadable.
        std::string d = src.get_metadata(PRS_META_DATA_DICT);
        if (!d.empty() && !dict.empty() && d != dict)
            fail(PRS_E_BADARG, std::string("cannot merge ") + srcs[i] +
                                   ": its stored data has another "
                                   "compression dictionary");
        if (!d.empty())
            dict = d;
        all.add_database(src);
    }
    all.compact(dest);
    return 0;
} catch (...) {
    where w;
    w.path = dest;
    w.op = "merge";
    return set_err_from_current_exception(err, w);
}

extern "C" void prs_db_close(struct prs_db *db)
try {
    if (!db)
        return;
    try {
        // Commits a writer's pending changes (or cancels an open
        // transaction) and releases the lock now, not at some later
        // destructor. There is nobody to tell if that fails.
        db->db().close();
    } catch (...) {
    }
    delete db;
} catch (...) {
}

extern "C" int prs_db_reopen(struct prs_db *db, struct prs_err *err)
try {
    require(db, "no index");
    if (!db->writable && replaced(db)) {
        open_reader(db);
        return 1;
    }
    return db->db().reopen() ? 1 : 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "reopen"));
}

extern "C" uint64_t prs_db_generation(struct prs_db *db)
try {
    if (!db)
        return 0;
    Xapian::Database &x = db->db();
    // The UUID's hash too: a rebuilt index counts its revisions anew.
    const std::string uuid = x.get_uuid();
    uint64_t gen = prs_hash64(uuid.data(), uuid.size()) ^
                   static_cast<uint64_t>(x.get_revision());
    return gen ? gen : 1;
} catch (...) {
    return 0;
}

extern "C" int prs_db_stats(struct prs_db *db, struct prs_db_stats *out,
                            struct prs_err *err)
try {
    require(db && out, "no index or no output");
    return retry_modified(db, [&] {
        Xapian::Database &x = db->db();
        out->doccount = x.get_doccount();
        out->last_docid = x.get_lastdocid();
        out->avg_length = x.get_avlength();
        return 0;
    });
} catch (...) {
    return set_err_from_current_exception(err, at(db, "stats"));
}

// ---- Building documents -------------------------------------------------

extern "C" struct prs_xdoc *prs_xdoc_new(struct prs_err *err)
try {
    return new prs_xdoc;
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "new document"));
    return nullptr;
}

extern "C" void prs_xdoc_free(struct prs_xdoc *d)
try {
    delete d;
} catch (...) {
}

extern "C" char *prs_xdoc_serialise(const struct prs_xdoc *d, size_t *len,
                                   struct prs_err *err)
try {
    require(d && len, "no document");
    std::string s = d->doc.serialise();
    char *out = static_cast<char *>(std::malloc(s.size() ? s.size() : 1));
    if (!out)
        throw std::bad_alloc();
    std::memcpy(out, s.data(), s.size());
    *len = s.size();
    return out;
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "serialise document"));
    return nullptr;
}

extern "C" struct prs_xdoc *prs_xdoc_unserialise(const char *data, size_t len,
                                                 struct prs_err *err)
try {
    require(data || len == 0, "no data");
    auto *d = new prs_xdoc;
    try {
        d->doc = Xapian::Document::unserialise(std::string(data, len));
    } catch (...) {
        delete d;
        throw;
    }
    return d;
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "unserialise document"));
    return nullptr;
}

extern "C" int prs_xdoc_add_posting(struct prs_xdoc *d, const char *term,
                                    size_t len, uint32_t pos,
                                    unsigned wdf_inc, struct prs_err *err)
try {
    require(d, "no document");
    if (!term_ok(term, len))
        return 0;
    d->doc.add_posting(std::string(term, len), pos, wdf_inc);
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(nullptr, "add posting"));
}

extern "C" int prs_xdoc_add_term(struct prs_xdoc *d, const char *term,
                                 size_t len, unsigned wdf_inc,
                                 struct prs_err *err)
try {
    require(d, "no document");
    if (!term_ok(term, len))
        return 0;
    d->doc.add_term(std::string(term, len), wdf_inc);
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(nullptr, "add term"));
}

extern "C" int prs_xdoc_add_boolean(struct prs_xdoc *d, const char *term,
                                    size_t len, struct prs_err *err)
try {
    require(d, "no document");
    if (!term_ok(term, len))
        return 0;
    d->doc.add_boolean_term(std::string(term, len));
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(nullptr, "add term"));
}

extern "C" int prs_xdoc_set_value(struct prs_xdoc *d, unsigned slot,
                                  const char *value, size_t len,
                                  struct prs_err *err)
try {
    require(d, "no document");
    require(value || len == 0, "no value");
    require(slot != Xapian::BAD_VALUENO, "bad value slot");
    // An empty value removes the slot, as in Xapian.
    d->doc.add_value(slot, len ? std::string(value, len) : std::string());
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(nullptr, "set value"));
}

extern "C" int prs_xdoc_set_data(struct prs_xdoc *d, const char *data,
                                 size_t len, struct prs_err *err)
try {
    require(d, "no document");
    require(data || len == 0, "no data");
    d->doc.set_data(len ? std::string(data, len) : std::string());
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(nullptr, "set data"));
}

// ---- Writing ------------------------------------------------------------

extern "C" int prs_db_replace(struct prs_db *db, const char *uid,
                              const struct prs_xdoc *d, struct prs_err *err)
try {
    require(db && d, "no index or no document");
    require(uid && *uid, "empty uid");
    require_writable(db);
    const std::string idterm = id_term(uid);
    // Xapian::Document copies share one body, so "add the id term to a
    // copy" would change the caller's document anyway. Instead the term is
    // added for the call and removed afterwards, leaving d as it was and
    // reusable for the next uid. A deep copy would cost a pass over every
    // term and position of every document indexed.
    Xapian::Document &doc = d->doc;
    // The data is compressed for the call the same way (datacodec.h).
    struct restore {
        Xapian::Document &doc;
        const std::string &term;
        bool active;
        std::string data; // the caller's data, when it was swapped
        bool swapped = false;
        ~restore()
        {
            try {
                if (active)
                    doc.remove_term(term);
                if (swapped)
                    doc.set_data(data);
            } catch (...) {
            }
        }
    } guard{doc, idterm, !doc_has_term(doc, idterm), std::string(), false};
    if (guard.active)
        doc.add_boolean_term(idterm);
    guard.data = doc.get_data();
    std::string stored;
    if (db->codec.pack(db->wdb, guard.data, &stored)) {
        doc.set_data(stored);
        guard.swapped = true;
    }
    db->wdb.replace_document(idterm, doc);
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "replace", "uid", uid));
}

extern "C" int prs_data_dict_train(const char *const *samples,
                                   const size_t *lens, size_t n,
                                   size_t max_bytes, char **dict, size_t *len,
                                   struct prs_err *err)
try {
    require(dict && len && (samples || n == 0) && (lens || n == 0),
            "bad arguments");
    *dict = nullptr;
    *len = 0;
    std::string all;
    for (size_t i = 0; i < n; i++)
        all.append(samples[i], lens[i]);
    std::string d =
        DataCodec::train(all, std::vector<size_t>(lens, lens + n), max_bytes);
    if (!d.empty()) {
        *dict = dup_bytes(d);
        *len = d.size();
    }
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(nullptr, "train dictionary"));
}

extern "C" int prs_db_set_data_dict(struct prs_db *db, const char *dict,
                                    size_t len, struct prs_err *err)
try {
    require(db && dict && len, "no index or no dictionary");
    require_writable(db);
    db->codec.set_dict(db->wdb, std::string(dict, len));
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "set dictionary"));
}

extern "C" int prs_db_delete(struct prs_db *db, const char *uid,
                             struct prs_err *err)
try {
    require(db, "no index");
    require(uid && *uid, "empty uid");
    require_writable(db);
    const std::string idterm = id_term(uid);
    if (db->wdb.get_termfreq(idterm) == 0)
        return 0;
    db->wdb.delete_document(idterm);
    return 1;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "delete", "uid", uid));
}

extern "C" int64_t prs_db_delete_by_term(struct prs_db *db, const char *term,
                                         struct prs_err *err)
try {
    require(db, "no index");
    // Xapian reads the empty term as "every document".
    require(term && *term, "empty term");
    require_writable(db);
    Xapian::doccount n = db->wdb.get_termfreq(term);
    if (n > 0)
        db->wdb.delete_document(term);
    return static_cast<int64_t>(n);
} catch (...) {
    return set_err_from_current_exception(err,
                                          at(db, "delete", "term", term));
}

extern "C" int prs_db_commit(struct prs_db *db, struct prs_err *err)
try {
    require(db, "no index");
    require_writable(db);
    db->wdb.commit();
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "commit"));
}

extern "C" int prs_db_begin(struct prs_db *db, struct prs_err *err)
try {
    require(db, "no index");
    require_writable(db);
    db->wdb.begin_transaction(true);
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "begin transaction"));
}

extern "C" int prs_db_commit_transaction(struct prs_db *db,
                                         struct prs_err *err)
try {
    require(db, "no index");
    require_writable(db);
    db->wdb.commit_transaction();
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "commit transaction"));
}

extern "C" int prs_db_cancel_transaction(struct prs_db *db,
                                         struct prs_err *err)
try {
    require(db, "no index");
    require_writable(db);
    db->wdb.cancel_transaction();
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "cancel transaction"));
}

extern "C" int prs_db_get_metadata(struct prs_db *db, const char *key,
                                   char **out, struct prs_err *err)
try {
    require(out, "no output");
    *out = nullptr;
    require(db, "no index");
    require(key && *key, "empty metadata key");
    std::string v = retry_modified(db, [&] { return db->db().get_metadata(key); });
    if (!v.empty())
        *out = dup_bytes(v);
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "get metadata", "key",
                                                  key));
}

extern "C" int prs_db_set_metadata(struct prs_db *db, const char *key,
                                   const char *value, struct prs_err *err)
try {
    require(db, "no index");
    require(key && *key, "empty metadata key");
    require_writable(db);
    db->wdb.set_metadata(key, value ? value : "");
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "set metadata", "key",
                                                  key));
}

extern "C" int prs_db_metadata_each(struct prs_db *db, const char *prefix,
                                    prs_kv_fn fn, void *ctx,
                                    struct prs_err *err)
try {
    require(db && fn, "no index or no callback");
    const std::string pfx = prefix ? prefix : "";
    size_t called = 0;
    auto walk = [&] {
        Xapian::Database &x = db->db();
        for (Xapian::TermIterator k = x.metadata_keys_begin(pfx);
             k != x.metadata_keys_end(pfx); ++k) {
            const std::string key = *k;
            const std::string value = x.get_metadata(key);
            called++;
            int rc = fn(key.c_str(), value.c_str(), ctx);
            if (rc != 0)
                return rc;
        }
        return 0;
    };
    try {
        return walk();
    } catch (const Xapian::DatabaseModifiedError &) {
        // Retry only if fn has seen nothing yet: it must not see a key twice.
        if (db->writable || called > 0)
            throw;
        db->rdb.reopen();
        db->retries++;
    }
    return walk();
} catch (...) {
    return set_err_from_current_exception(err, at(db, "metadata", "prefix",
                                                  prefix));
}

// ---- Reading ------------------------------------------------------------

extern "C" int prs_db_get_data(struct prs_db *db, const char *uid, char **out,
                               size_t *len, struct prs_err *err)
try {
    require(out, "no output");
    *out = nullptr;
    if (len)
        *len = 0;
    require(db, "no index");
    require(uid && *uid, "empty uid");
    const std::string idterm = id_term(uid);
    std::string data;
    bool found = retry_modified(db, [&] {
        Xapian::Database &x = db->db();
        Xapian::PostingIterator p = x.postlist_begin(idterm);
        if (p == x.postlist_end(idterm))
            return false;
        data = db->codec.unpack(x, x.get_document(*p).get_data());
        return true;
    });
    if (!found)
        fail(PRS_E_NOTFOUND, "no such document");
    *out = dup_bytes(data);
    if (len)
        *len = data.size();
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "get", "uid", uid));
}

extern "C" int prs_db_termfreq(struct prs_db *db, const char *term,
                               uint64_t *out, struct prs_err *err)
try {
    require(db && out, "no index or no output");
    *out = 0;
    // The empty term is never indexed (Xapian would count every document).
    if (!term || !*term)
        return 0;
    *out = retry_modified(db, [&] { return db->db().get_termfreq(term); });
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "termfreq", "term",
                                                  term));
}

// True for a term with a schema.h prefix (upper-case first letter).
static bool prefixed(const std::string &t) { return !t.empty() && t[0] >= 'A' && t[0] <= 'Z'; }

// db's vocabulary (struct Vocabulary), read anew when the index changed.
static const Vocabulary &words(prs_db *db)
{
    Vocabulary &v = db->vocab;
    Xapian::Database &x = db->rdb;
    if (v.valid && v.revision == x.get_revision() &&
        v.doccount == x.get_doccount() && v.uuid == x.get_uuid())
        return v;
    v.valid = false;
    retry_modified(db, [&] {
        v.text.clear();
        v.start.clear();
        v.freq.clear();
        v.uuid = x.get_uuid();
        v.revision = x.get_revision();
        v.doccount = x.get_doccount();
        Xapian::TermIterator t = x.allterms_begin(), end = x.allterms_end();
        while (t != end) {
            const std::string term = *t;
            if (prefixed(term)) {
                t.skip_to("["); // past 'Z': the lower-case words follow
                continue;
            }
            if (v.text.size() + term.size() + 1 > UINT32_MAX)
                break; // beyond 4 GB of words: the rest is not kept
            v.start.push_back(static_cast<uint32_t>(v.text.size()));
            v.text.append(term).push_back('\0');
            Xapian::doccount f = t.get_termfreq();
            v.freq.push_back(f > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(f));
            ++t;
        }
        return 0;
    });
    v.valid = true;
    return v;
}

// The first term after every term that starts with p (byte order), or ""
// when there is none: p with its last byte not 0xFF incremented.
static std::string past_prefix(std::string p)
{
    while (!p.empty() && static_cast<unsigned char>(p.back()) == 0xFF)
        p.pop_back();
    if (!p.empty())
        p.back() = static_cast<char>(static_cast<unsigned char>(p.back()) + 1);
    return p;
}

extern "C" int prs_db_terms_walk(struct prs_db *db, const char *prefix,
                                 prs_term_skip_fn fn, void *ctx,
                                 struct prs_err *err)
try {
    require(db && fn, "no index or no callback");
    const std::string pfx = prefix ? prefix : "";
    if (!db->writable && !pfx.empty() && !prefixed(pfx)) {
        const Vocabulary &v = words(db);
        const char *text = v.text.data();
        auto it = std::lower_bound(
            v.start.begin(), v.start.end(), pfx,
            [text](uint32_t at, const std::string &p) {
                return strcmp(text + at, p.c_str()) < 0;
            });
        while (it != v.start.end()) {
            const char *term = text + *it;
            if (strncmp(term, pfx.data(), pfx.size()) != 0)
                break;
            size_t len = strlen(term), skip = 0;
            int rc = fn(term, len, v.freq[it - v.start.begin()], &skip, ctx);
            if (rc != 0)
                return rc;
            if (skip == 0 || skip > len) {
                ++it;
                continue;
            }
            // The terms starting with term[0..skip) follow this one, as a
            // rule a few: gallop over them, then bisect the last stride.
            auto same = [&](uint32_t at) {
                return strncmp(text + at, term, skip) == 0;
            };
            auto first = it + 1;
            size_t n = static_cast<size_t>(v.start.end() - first), to = 1;
            while (to <= n && same(first[to - 1]))
                to *= 2;
            it = std::partition_point(first + to / 2,
                                      first + std::min(to, n), same);
        }
        return 0;
    }
    size_t called = 0;
    auto walk = [&] {
        Xapian::Database &x = db->db();
        Xapian::TermIterator t = x.allterms_begin(pfx);
        const Xapian::TermIterator end = x.allterms_end(pfx);
        while (t != end) {
            const std::string term = *t;
            size_t skip = 0;
            called++;
            int rc = fn(term.c_str(), term.size(), t.get_termfreq(), &skip,
                        ctx);
            if (rc != 0)
                return rc;
            if (skip == 0 || skip > term.size()) {
                ++t;
                continue;
            }
            const std::string next = past_prefix(term.substr(0, skip));
            if (next.empty())
                break;
            t.skip_to(next);
        }
        return 0;
    };
    try {
        return walk();
    } catch (const Xapian::DatabaseModifiedError &) {
        // Retry only if fn has seen nothing yet: it must not see a term twice.
        if (db->writable || called > 0)
            throw;
        db->rdb.reopen();
        db->retries++;
    }
    return walk();
} catch (...) {
    return set_err_from_current_exception(err, at(db, "terms", "prefix",
                                                  prefix));
}

namespace {
struct each_adapter {
    prs_term_fn fn;
    void *ctx;
};
} // namespace

static int call_each(const char *term, size_t len, uint64_t termfreq,
                     size_t *, void *ctx)
{
    auto *a = static_cast<each_adapter *>(ctx);
    return a->fn(term, len, termfreq, a->ctx);
}

extern "C" int prs_db_terms_each(struct prs_db *db, const char *prefix,
                                 prs_term_fn fn, void *ctx,
                                 struct prs_err *err)
{
    if (!fn)
        return prs_err_set(err, PRS_E_BADARG, "no index or no callback");
    each_adapter a = {fn, ctx};
    return prs_db_terms_walk(db, prefix, call_each, &a, err);
}

// ---- Queries ------------------------------------------------------------

extern "C" struct prs_query *prs_query_term(const char *term, unsigned wqf,
                                            struct prs_err *err)
try {
    // An empty term would be Xapian's match-all query.
    require(term && *term, "empty term");
    return new_query(Xapian::Query(term, wqf));
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "query", "term", term));
    return nullptr;
}

extern "C" struct prs_query *prs_query_phrase(const char *const *terms,
                                              size_t n, unsigned window,
                                              struct prs_err *err)
try {
    return new_query(positional(Xapian::Query::OP_PHRASE, terms, n, window));
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "phrase query"));
    return nullptr;
}

extern "C" struct prs_query *prs_query_near(const char *const *terms,
                                            size_t n, unsigned window,
                                            struct prs_err *err)
try {
    return new_query(positional(Xapian::Query::OP_NEAR, terms, n, window));
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "near query"));
    return nullptr;
}

extern "C" struct prs_query *prs_query_prefix(const char *prefix,
                                              unsigned max_terms,
                                              struct prs_err *err)
try {
    // The empty prefix would expand to the whole vocabulary.
    require(prefix && *prefix, "empty prefix");
    // With WILDCARD_LIMIT_MOST_FREQUENT a limit of 0 keeps 0 terms; "no
    // limit" is 0 with the default limit type.
    int limit_type = max_terms ? Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT
                               : Xapian::Query::WILDCARD_LIMIT_ERROR;
    return new_query(Xapian::Query(Xapian::Query::OP_WILDCARD, prefix,
                                   max_terms, limit_type,
                                   Xapian::Query::OP_SYNONYM));
} catch (...) {
    set_err_from_current_exception(err,
                                   at(nullptr, "query", "prefix", prefix));
    return nullptr;
}

namespace {
struct completion {
    std::string term;
    Xapian::doccount termfreq;
};

int add_completion(const char *term, size_t len, uint64_t termfreq,
                   size_t *, void *ctx)
{
    auto *found = static_cast<std::vector<completion> *>(ctx);
    found->push_back({std::string(term, len),
                      static_cast<Xapian::doccount>(termfreq)});
    return 0;
}

// The terms starting with prefix that Xapian 1.4's wildcard keeps, in its
// order (api/queryinternal.cc, OrContext::select_most_frequent()): the
// terms in byte order, then nth_element() by falling frequency, so that
// among terms of equal frequency the same ones are kept. 0 or the walk's
// error.
int most_frequent(prs_db *db, const char *prefix, unsigned max_terms,
                  std::vector<completion> &found, prs_err *err)
{
    require(db && prefix && *prefix && max_terms > 0, "bad arguments");
    int rc = prs_db_terms_walk(db, prefix, add_completion, &found, err);
    if (rc < 0)
        return rc;
    if (found.size() > max_terms) {
        std::nth_element(found.begin(), found.begin() + (max_terms - 1),
                         found.end(),
                         [](const completion &a, const completion &b) {
                             return a.termfreq > b.termfreq;
                         });
        found.resize(max_terms);
    }
    return 0;
}
} // namespace

extern "C" int prs_db_completions(struct prs_db *db, const char *prefix,
                                  unsigned max_terms, prs_term_fn fn,
                                  void *ctx, struct prs_err *err)
try {
    require(fn, "no callback");
    std::vector<completion> found;
    int rc = most_frequent(db, prefix, max_terms, found, err);
    for (size_t i = 0; rc == 0 && i < found.size(); i++)
        rc = fn(found[i].term.data(), found[i].term.size(), found[i].termfreq,
                ctx);
    return rc;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "terms", "prefix",
                                                  prefix));
}

extern "C" struct prs_query *prs_query_completions(struct prs_db *db,
                                                   const char *prefix,
                                                   unsigned max_terms,
                                                   struct prs_err *err)
try {
    std::vector<completion> found;
    if (most_frequent(db, prefix, max_terms, found, err) < 0)
        return nullptr;
    if (found.size() < 2) // none, or one: the wildcard costs no more
        return prs_query_prefix(prefix, max_terms, err);
    std::vector<Xapian::Query> terms;
    terms.reserve(found.size());
    for (const completion &c : found)
        terms.emplace_back(c.term);
    return new_query(
        Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end()));
} catch (...) {
    set_err_from_current_exception(err, at(db, "query", "prefix", prefix));
    return nullptr;
}

extern "C" struct prs_query *prs_query_value_range(unsigned slot,
                                                   const char *lo,
                                                   const char *hi,
                                                   struct prs_err *err)
try {
    require(slot != Xapian::BAD_VALUENO, "bad value slot");
    if (lo && hi)
        return new_query(
            Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
    if (lo)
        return new_query(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo));
    if (hi)
        return new_query(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
    // No bounds: every document, with or without a value in the slot.
    return new_query(Xapian::Query::MatchAll);
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "value range query"));
    return nullptr;
}

extern "C" struct prs_query *prs_query_match_all(struct prs_err *err)
try {
    return new_query(Xapian::Query::MatchAll);
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "match-all query"));
    return nullptr;
}

extern "C" struct prs_query *prs_query_combine(int op,
                                               struct prs_query *const *subs,
                                               size_t n, struct prs_err *err)
try {
    Xapian::Query::op xop = xapian_op(op);
    require(subs && n > 0, "need at least one sub-query");
    std::vector<Xapian::Query> v;
    v.reserve(n);
    for (size_t i = 0; i < n; i++) {
        require(subs[i], "missing sub-query");
        v.push_back(subs[i]->q);
    }
    return new_query(Xapian::Query(xop, v.begin(), v.end()));
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "combine queries"));
    return nullptr;
}

extern "C" struct prs_query *prs_query_scale(const struct prs_query *q,
                                             double factor,
                                             struct prs_err *err)
try {
    require(q, "no query");
    require(std::isfinite(factor) && factor >= 0,
            "scale factor must be finite and >= 0");
    return new_query(
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor));
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "scale query"));
    return nullptr;
}

// Every dated release, weighted max_weight * 2^(-age / half_life): the
// recency tie-breaker of prs_query_recency(). Age counts from the newest
// release in the index, not from the clock, so an archive ranks the same
// next year as today.
class RecencySource : public Xapian::PostingSource {
    double max_weight_, half_life_;
    const DateDays *dates_ = nullptr;
    Xapian::docid did_ = 0; // 0: not started

    // Moves to the first dated release from did on.
    void seek(Xapian::docid did)
    {
        const auto &days = dates_->days;
        while (did < days.size() && days[did] < 0)
            did++;
        did_ = did;
    }

  public:
    RecencySource(double max_weight, double half_life)
        : max_weight_(max_weight), half_life_(half_life)
    {
    }
    void init(const Xapian::Database &database) override
    {
        dates_ = &date_days(database);
        did_ = 0;
        set_maxweight(max_weight_);
    }
    Xapian::doccount get_termfreq_min() const override { return dates_->dated; }
    Xapian::doccount get_termfreq_est() const override { return dates_->dated; }
    Xapian::doccount get_termfreq_max() const override { return dates_->dated; }
    void next(double) override { seek(did_ + 1); }
    void skip_to(Xapian::docid did, double) override
    {
        if (did > did_)
            seek(did);
    }
    bool at_end() const override { return did_ >= dates_->days.size(); }
    Xapian::docid get_docid() const override { return did_; }
    double get_weight() const override
    {
        long days = dates_->days[did_];
        long newest = dates_->newest;
        double age = days < newest ? static_cast<double>(newest - days) : 0;
        return max_weight_ * std::exp2(-age / half_life_);
    }
    RecencySource *clone() const override
    {
        return new RecencySource(max_weight_, half_life_);
    }
    std::string name() const override { return "prs_recency"; }
};

extern "C" struct prs_query *prs_query_recency(double max_weight,
                                               double half_life_days,
                                               struct prs_err *err)
try {
    require(std::isfinite(max_weight) && max_weight > 0 &&
                std::isfinite(half_life_days) && half_life_days > 0,
            "recency weight and half-life must be > 0");
    auto *src = new RecencySource(max_weight, half_life_days);
    return new_query(Xapian::Query(src->release()));
} catch (...) {
    set_err_from_current_exception(err, at(nullptr, "recency query"));
    return nullptr;
}

extern "C" char *prs_query_describe(const struct prs_query *q)
try {
    if (!q)
        return nullptr;
    return dup_bytes(q->q.get_description());
} catch (...) {
    return nullptr;
}

extern "C" void prs_query_free(struct prs_query *q)
try {
    delete q;
} catch (...) {
}

// ---- Searching ----------------------------------------------------------

extern "C" int prs_db_search(struct prs_db *db, const struct prs_query *q,
                             const struct prs_search_opts *opts,
                             struct prs_hits **out, struct prs_err *err)
try {
    require(out, "no output");
    *out = nullptr;
    require(db && q && opts, "no index, query or options");
    require(opts->sort == PRS_SORT_RELEVANCE || opts->sort == PRS_SORT_DATE,
            "unknown sort order");
    Xapian::Query query = q->q;
    if (opts->filter)
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, opts->filter->q);
    prs_hits *h = new prs_hits;
    try {
        retry_modified(db, [&] { run_search(db, query, opts, h); });
    } catch (...) {
        delete h;
        throw;
    }
    *out = h;
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "search"));
}

namespace {

// The value counts of one facet run, collected before any callback runs so
// that a retry after a concurrent commit never reports a value twice.
struct slot_counts {
    Xapian::valueno slot;
    std::vector<std::pair<std::string, Xapian::doccount>> values;
};

// Counts the values of some slots over the matches, by their codes
// (tables.h): what Xapian's ValueCountMatchSpy counts, without reading
// every match's values (a quarter of a query with facets).
class CodeCountSpy : public Xapian::MatchSpy {
    std::vector<const SlotCodes *> codes_;

  public:
    std::vector<std::vector<Xapian::doccount>> counts; // [slot][value]

    explicit CodeCountSpy(const std::vector<const SlotCodes *> &codes)
        : codes_(codes)
    {
        for (const SlotCodes *c : codes_)
            counts.emplace_back(c->values.size(), 0);
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        add(doc.get_docid());
    }
    void add(Xapian::docid did)
    {
        for (size_t i = 0; i < codes_.size(); i++)
            if (did < codes_[i]->code.size())
                if (uint32_t c = codes_[i]->code[did])
                    counts[i][c - 1]++;
    }
    // The counts by slot and value, for slots[0..n) (those of codes).
    std::vector<slot_counts> by_value(const unsigned *slots) const
    {
        std::vector<slot_counts> out;
        for (size_t i = 0; i < codes_.size(); i++) {
            slot_counts sc;
            sc.slot = slots[i];
            for (size_t v = 0; v < codes_[i]->values.size(); v++)
                if (counts[i][v] > 0)
                    sc.values.emplace_back(codes_[i]->values[v], counts[i][v]);
            out.push_back(std::move(sc));
        }
        return out;
    }
};

std::vector<const SlotCodes *> codes_of(Xapian::Database &x,
                                        const unsigned *slots, size_t nslots)
{
    std::vector<const SlotCodes *> codes;
    for (size_t i = 0; i < nslots; i++)
        codes.push_back(&slot_codes(x, slots[i]));
    return codes;
}

// Hands counts to fn in slot order; fn's nonzero stops and is returned.
int report_counts(const std::vector<slot_counts> &counts,
                  prs_slot_value_fn fn, void *ctx)
{
    for (const auto &sc : counts)
        for (const auto &v : sc.values) {
            int rc = fn(sc.slot, v.first.data(), v.first.size(), v.second,
                        ctx);
            if (rc != 0)
                return rc;
        }
    return 0;
}

void run_count(prs_db *db, const Xapian::Query &query, const unsigned *slots,
               size_t nslots, std::vector<slot_counts> &out, uint64_t &total)
{
    Xapian::Database &x = db->db();
    Xapian::Enquire enq(x);
    enq.set_query(query);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    enq.set_docid_order(Xapian::Enquire::DONT_CARE);
    // Spies are refcounted; release() hands it to the enquire.
    auto *spy = new CodeCountSpy(codes_of(x, slots, nslots));
    enq.add_matchspy(spy->release());
    // check_at_least = every document: the spy sees every match.
    Xapian::MSet mset = enq.get_mset(0, 0, x.get_doccount());
    out = spy->by_value(slots);
    total = mset.get_matches_estimated();
}

// Word terms only: exact folded words start with a lower-case letter or a
// digit (or a non-ASCII letter); prefixed terms start with A-Z.
struct word_terms : Xapian::ExpandDecider {
    bool operator()(const std::string &term) const override
    {
        return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z') &&
               term.size() > 2;
    }
};

} // namespace

extern "C" int prs_db_count_values(struct prs_db *db,
                                   const struct prs_query *q,
                                   const struct prs_query *filter,
                                   const unsigned *slots, size_t nslots,
                                   prs_slot_value_fn fn, void *ctx,
                                   uint64_t *total, struct prs_err *err)
try {
    require(db && q && fn && (slots || nslots == 0), "bad arguments");
    Xapian::Query query = q->q;
    if (filter)
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter->q);
    std::vector<slot_counts> counts;
    uint64_t n = 0;
    retry_modified(db, [&] { run_count(db, query, slots, nslots, counts, n); });
    if (total)
        *total = n;
    return report_counts(counts, fn, ctx);
} catch (...) {
    return set_err_from_current_exception(err, at(db, "count values"));
}

extern "C" int prs_hits_count_values(struct prs_db *db,
                                     const struct prs_hits *h,
                                     const unsigned *slots, size_t nslots,
                                     prs_slot_value_fn fn, void *ctx,
                                     uint64_t *total, bool *counted,
                                     struct prs_err *err)
try {
    require(db && h && fn && counted && (slots || nslots == 0),
            "bad arguments");
    Xapian::Database &x = db->db();
    // A reader reopened since (retry_modified()) may have other releases
    // under those docids.
    *counted = h->complete && x.get_revision() == h->revision;
    if (!*counted)
        return 0;
    CodeCountSpy counter(codes_of(x, slots, nslots));
    for (Xapian::docid did : h->all)
        counter.add(did);
    if (total)
        *total = h->all.size();
    return report_counts(counter.by_value(slots), fn, ctx);
} catch (...) {
    return set_err_from_current_exception(err, at(db, "count values"));
}

extern "C" int prs_db_similar(struct prs_db *db, const char *uid,
                              unsigned nterms,
                              const struct prs_search_opts *opts,
                              struct prs_hits **out, struct prs_err *err)
try {
    require(out, "no output");
    *out = nullptr;
    require(db && uid && *uid && opts, "no index, uid or options");
    require(opts->sort == PRS_SORT_RELEVANCE || opts->sort == PRS_SORT_DATE,
            "unknown sort order");
    const std::string idterm = id_term(uid);
    prs_hits *h = new prs_hits;
    try {
        bool found = retry_modified(db, [&] {
            Xapian::Database &x = db->db();
            Xapian::PostingIterator p = x.postlist_begin(idterm);
            if (p == x.postlist_end(idterm))
                return false;
            Xapian::Enquire enq(x);
            Xapian::RSet rset;
            rset.add_document(*p);
            word_terms decider;
            Xapian::ESet eset = enq.get_eset(nterms ? nterms : 40, rset,
                                             &decider);
            std::vector<Xapian::Query> terms;
            for (Xapian::ESetIterator t = eset.begin(); t != eset.end(); ++t)
                terms.emplace_back(*t);
            h->hits.clear();
            h->total = 0;
            if (terms.empty())
                return true;
            Xapian::Query query(Xapian::Query::OP_AND_NOT,
                                Xapian::Query(Xapian::Query::OP_OR,
                                              terms.begin(), terms.end()),
                                Xapian::Query(idterm));
            if (opts->filter)
                query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                                      opts->filter->q);
            run_search(db, query, opts, h);
            return true;
        });
        if (!found)
            fail(PRS_E_NOTFOUND, "no such document");
    } catch (...) {
        delete h;
        throw;
    }
    *out = h;
    return 0;
} catch (...) {
    return set_err_from_current_exception(err, at(db, "similar", "uid", uid));
}

extern "C" size_t prs_hits_count(const struct prs_hits *h)
try {
    return h ? h->hits.size() : 0;
} catch (...) {
    return 0;
}

extern "C" uint64_t prs_hits_total(const struct prs_hits *h)
try {
    return h ? h->total : 0;
} catch (...) {
    return 0;
}

extern "C" bool prs_hits_total_exact(const struct prs_hits *h)
try {
    return h ? h->total_exact : true;
} catch (...) {
    return false;
}

extern "C" double prs_hits_score(const struct prs_hits *h, size_t i)
try {
    return h && i < h->hits.size() ? h->hits[i].score : 0.0;
} catch (...) {
    return 0.0;
}

extern "C" const char *prs_hits_data(const struct prs_hits *h, size_t i,
                                     size_t *len)
try {
    if (len)
        *len = 0;
    if (!h || i >= h->hits.size())
        return nullptr;
    const std::string &s = h->hits[i].data;
    if (len)
        *len = s.size();
    return s.c_str();
} catch (...) {
    return nullptr;
}

extern "C" const char *prs_hits_value(const struct prs_hits *h, size_t i,
                                      unsigned slot, size_t *len)
try {
    if (len)
        *len = 0;
    if (!h || i >= h->hits.size())
        return nullptr;
    for (const auto &v : h->hits[i].values) {
        if (v.first != slot)
            continue;
        if (len)
            *len = v.second.size();
        return v.second.c_str();
    }
    return nullptr;
} catch (...) {
    return nullptr;
}

extern "C" void prs_hits_free(struct prs_hits *h)
try {
    delete h;
} catch (...) {
}

extern "C" void prs_schema_id_term(const char *uid, char *buf, size_t cap)
try {
    if (!buf || cap == 0)
        return;
    buf[0] = '\0';
    const std::string t = id_term(uid ? uid : "");
    snprintf(buf, cap, "%s", t.c_str());
} catch (...) {
}
