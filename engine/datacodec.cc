// datacodec.cc: documents' stored data as zstd frames with the index's
// own dictionary (datacodec.h).
#include "datacodec.h"

#include <zdict.h>
#include <zstd.h>

#include <cstring>
#include <new>
#include <stdexcept>

extern "C" {
#include "schema.h"
}

namespace {

// zstd's default: fast to write, and reading speed does not depend on it.
constexpr int kLevel = ZSTD_CLEVEL_DEFAULT;
// No release's data comes near this; a frame that claims more is damaged.
constexpr unsigned long long kMaxData = 1ull << 30;

bool is_frame(const std::string &s)
{
    static const unsigned char magic[4] = {0x28, 0xB5, 0x2F, 0xFD};
    return s.size() >= 4 && memcmp(s.data(), magic, 4) == 0;
}

[[noreturn]] void zstd_failed(const char *what, size_t code)
{
    throw std::runtime_error(std::string(what) + ": " +
                             ZSTD_getErrorName(code));
}

} // namespace

DataCodec::~DataCodec()
{
    ZSTD_freeCCtx(cctx_);
    ZSTD_freeDCtx(dctx_);
    ZSTD_freeCDict(cdict_);
    ZSTD_freeDDict(ddict_);
}

void DataCodec::load_cdict(const std::string &dict)
{
    ZSTD_CDict *c = ZSTD_createCDict(dict.data(), dict.size(), kLevel);
    if (!c)
        throw std::bad_alloc();
    ZSTD_freeCDict(cdict_);
    cdict_ = c;
}

void DataCodec::load_ddict(const Xapian::Database &x, unsigned id)
{
    const std::string dict = x.get_metadata(PRS_META_DATA_DICT);
    if (dict.empty())
        throw StoredDataError("stored release data needs a compression "
                                 "dictionary the index does not hold "
                                 "(re-index)");
    ZSTD_DDict *d = ZSTD_createDDict(dict.data(), dict.size());
    if (!d)
        throw std::bad_alloc();
    if (ZSTD_getDictID_fromDDict(d) != id) {
        ZSTD_freeDDict(d);
        throw StoredDataError("stored release data was compressed with "
                                 "another dictionary than the index's "
                                 "(re-index)");
    }
    ZSTD_freeDDict(ddict_);
    ddict_ = d;
    ddict_id_ = id;
}

bool DataCodec::pack(const Xapian::Database &x, const std::string &data,
                     std::string *out)
{
    if (!cdict_checked_) {
        const std::string dict = x.get_metadata(PRS_META_DATA_DICT);
        if (!dict.empty())
            load_cdict(dict);
        cdict_checked_ = true;
    }
    if (!cdict_ && !is_frame(data))
        return false;
    if (!cctx_ && !(cctx_ = ZSTD_createCCtx()))
        throw std::bad_alloc();
    out->assign(ZSTD_compressBound(data.size()), '\0');
    size_t n = cdict_ ? ZSTD_compress_usingCDict(cctx_, &(*out)[0],
                                                 out->size(), data.data(),
                                                 data.size(), cdict_)
                      : ZSTD_compressCCtx(cctx_, &(*out)[0], out->size(),
                                          data.data(), data.size(), kLevel);
    if (ZSTD_isError(n))
        zstd_failed("compressing stored data", n);
    out->resize(n);
    return true;
}

std::string DataCodec::unpack(const Xapian::Database &x, std::string stored)
{
    if (!is_frame(stored))
        return stored;
    unsigned long long size =
        ZSTD_getFrameContentSize(stored.data(), stored.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
        size > kMaxData)
        throw StoredDataError("stored release data is damaged");
    unsigned id = ZSTD_getDictID_fromFrame(stored.data(), stored.size());
    if (id != 0 && (!ddict_ || ddict_id_ != id))
        load_ddict(x, id);
    if (!dctx_ && !(dctx_ = ZSTD_createDCtx()))
        throw std::bad_alloc();
    std::string out(static_cast<size_t>(size), '\0');
    size_t n = id ? ZSTD_decompress_usingDDict(dctx_, &out[0], out.size(),
                                               stored.data(), stored.size(),
                                               ddict_)
                  : ZSTD_decompressDCtx(dctx_, &out[0], out.size(),
                                        stored.data(), stored.size());
    if (ZSTD_isError(n) || n != out.size())
        throw StoredDataError("stored release data is damaged");
    return out;
}

void DataCodec::set_dict(Xapian::WritableDatabase &x, const std::string &dict)
{
    if (ZSTD_getDictID_fromDict(dict.data(), dict.size()) == 0)
        throw std::invalid_argument("not a zstd dictionary");
    x.set_metadata(PRS_META_DATA_DICT, dict);
    load_cdict(dict);
    cdict_checked_ = true;
}

std::string DataCodec::train(const std::string &all,
                             const std::vector<size_t> &sizes,
                             size_t max_bytes)
{
    if (sizes.empty() || max_bytes == 0)
        return std::string();
    std::string dict(max_bytes, '\0');
    size_t n = ZDICT_trainFromBuffer(&dict[0], dict.size(), all.data(),
                                     sizes.data(),
                                     static_cast<unsigned>(sizes.size()));
    if (ZDICT_isError(n))
        return std::string(); // too few or too small samples
    dict.resize(n);
    return dict;
}
