#include "connectors/text_chunk_reader.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

namespace eightsync::connectors {

/// The running SHA-256 (an OpenSSL EVP context, freed with the reader).
struct text_chunk_reader::digest {
  digest() : ctx(::EVP_MD_CTX_new()) {
    if (ctx == nullptr || ::EVP_DigestInit_ex(ctx, ::EVP_sha256(), nullptr) != 1) {
      ::EVP_MD_CTX_free(ctx);
      throw std::bad_alloc();
    }
  }
  ~digest() { ::EVP_MD_CTX_free(ctx); }
  digest(const digest&) = delete;
  digest& operator=(const digest&) = delete;
  EVP_MD_CTX* ctx;
};

text_chunk_reader::text_chunk_reader(const core::source_options& options)
    : options_(options), digest_(std::make_unique<digest>()) {}

text_chunk_reader::~text_chunk_reader() = default;

std::string text_chunk_reader::message(std::string_view what) const {
  std::string m = options_.path.string();
  m += ": ";
  m += what;
  return m;
}

std::optional<core::source_error> text_chunk_reader::open() {
  if (options_.encoding != core::source_encoding::utf8) {
    if (auto err = transcoder_.open(options_.encoding)) {
      return core::source_error{message(*err)};
    }
  }
  auto file = core::regular_file::open(options_.path);
  if (!file) {
    return core::source_error{message(file.error().what)};
  }
  file_.emplace(std::move(file).value());
  raw_.resize(chunk_size);
  return std::nullopt;
}

core::expected<std::string_view, core::source_error> text_chunk_reader::next() {
  // Fill the whole buffer (short reads happen on pipes and network file systems), so that the
  // byte order mark is always seen whole in the first chunk.
  std::size_t got = 0;
  while (got < raw_.size()) {
    const ::ssize_t n = ::read(file_->fd(), raw_.data() + got, raw_.size() - got);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return core::unexpected<core::source_error>{
          core::source_error{message(std::string("cannot read: ") + std::strerror(errno))}};
    }
    if (n == 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  bytes_ += got;
  if (got > 0 && ::EVP_DigestUpdate(digest_->ctx, raw_.data(), got) != 1) {
    throw std::bad_alloc();
  }
  std::string_view text(raw_.data(), got);
  if (first_) {
    first_ = false;
    if (auto err = check_byte_order_mark(text)) {
      return core::unexpected<core::source_error>{std::move(*err)};
    }
  }
  if (options_.encoding == core::source_encoding::utf8 || text.empty()) {
    return text;
  }
  transcoder_.convert(text, converted_);
  return std::string_view(converted_);
}

std::optional<core::source_error> text_chunk_reader::check_byte_order_mark(std::string_view& text) {
  if (text.starts_with("\xEF\xBB\xBF")) {
    if (options_.encoding != core::source_encoding::utf8) {
      // Converting UTF-8 as cp1252 would turn every accented name into mojibake.
      return core::source_error{message(std::string("starts with a UTF-8 byte order mark, but "
                                                    "source.encoding is ") +
                                        text_transcoder::iconv_name(options_.encoding) +
                                        "; set it to utf-8")};
    }
    text.remove_prefix(3);
  } else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    return core::source_error{
        message("starts with a UTF-16 byte order mark (Excel's \"Unicode Text\"); export it as "
                "CSV UTF-8 instead")};
  }
  return std::nullopt;
}

std::string text_chunk_reader::sha256_hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (::EVP_DigestFinal_ex(digest_->ctx, md, &len) != 1) {
    throw std::bad_alloc();
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0x0F];
  }
  return out;
}

}  // namespace eightsync::connectors
