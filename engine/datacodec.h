/*
 * datacodec.h: how the engine stores a document's data (engine.cc only;
 * C++).
 *
 * A release's stored data is read for every hit of every search, and
 * was a sixth of the index. An index may hold a zstd dictionary trained
 * on its own releases (metadata key PRS_META_DATA_DICT); with it, data
 * is written as a zstd frame using it: about two thirds of the size of
 * Xapian's own zlib compression and three times faster to read
 * (docs/BENCHMARKS.md). Data written without one stays as it was given,
 * so indexes from before the dictionary read as they always did. Reads
 * tell the two apart by zstd's frame magic, which prsearch's MessagePack
 * never starts with; data that does is stored as a frame anyway.
 */
#ifndef PRS_DATACODEC_H
#define PRS_DATACODEC_H

#include <xapian.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

// Stored data that cannot be read back: damaged, or compressed with a
// dictionary the index does not hold.
struct StoredDataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;
struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

// One per index handle (not thread-safe, like the handle).
class DataCodec {
  public:
    DataCodec() = default;
    DataCodec(const DataCodec &) = delete;
    DataCodec &operator=(const DataCodec &) = delete;
    ~DataCodec();

    // Whether data is to be stored as a frame (x has a dictionary, read
    // from its metadata once, or set_dict() gave one); if so, *out gets
    // the frame.
    bool pack(const Xapian::Database &x, const std::string &data,
              std::string *out);
    // The data that was given to pack(). Throws StoredDataError for a
    // frame that is damaged or needs a dictionary x does not hold.
    std::string unpack(const Xapian::Database &x, std::string stored);
    // Stores dict in x's metadata (with the next commit) and packs with it
    // from now on. Throws std::invalid_argument if it is not a zstd
    // dictionary.
    void set_dict(Xapian::WritableDatabase &x, const std::string &dict);

    // A dictionary of at most max_bytes trained on samples (what pack()
    // will be given), one after another in all, sizes[i] bytes each;
    // empty when zstd finds too little to learn from.
    static std::string train(const std::string &all,
                             const std::vector<size_t> &sizes,
                             size_t max_bytes);

  private:
    void load_cdict(const std::string &dict);
    void load_ddict(const Xapian::Database &x, unsigned id);

    ZSTD_CCtx_s *cctx_ = nullptr;
    ZSTD_DCtx_s *dctx_ = nullptr;
    ZSTD_CDict_s *cdict_ = nullptr;
    ZSTD_DDict_s *ddict_ = nullptr;
    unsigned ddict_id_ = 0;
    bool cdict_checked_ = false; // metadata looked at for a dictionary
};

#endif
