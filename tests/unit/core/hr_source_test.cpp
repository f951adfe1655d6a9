// core::read_and_map through the hr_source port, with a source that is not a file: the shape a
// future SFTP or HRIS-API source takes (one class implementing hr_source).
#include "core/hr_source.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace eightsync::core {
namespace {

mapping_rules id_name_rules() {
  mapping_rules r;
  EXPECT_FALSE(r.map_attribute(attribute::user_name, "{email}"));
  EXPECT_FALSE(r.map_attribute(attribute::given_name, "{first}"));
  EXPECT_FALSE(r.map_attribute(attribute::family_name, "{last}"));
  EXPECT_FALSE(r.map_attribute(attribute::email, "{email}"));
  EXPECT_FALSE(r.map_attribute(attribute::external_id, "{id}"));
  return r;
}

// An HR system held in memory: rows handed over as an API would, no file to watch.
class memory_source final : public hr_source {
 public:
  memory_source(std::vector<std::string> header, std::vector<std::vector<std::string>> rows)
      : header_(std::move(header)), rows_(std::move(rows)) {}

  std::string origin() const override { return "memory:hr"; }
  std::optional<std::filesystem::path> watched_file() const override { return std::nullopt; }
  std::uintmax_t expected_bytes() const noexcept override { return 0; }

  expected<source_summary, source_error> read(row_sink& sink) override {
    ++reads;
    if (fail) return unexpected<source_error>{{origin() + ": the HR system answered 503"}};
    sink.on_header(header_);
    std::size_t record = 0;
    for (const auto& r : rows_)
      sink.on_row(source_row{0, ++record, r});
    return source_summary{origin(), 0, "", rows_.size(), 0, 0, std::nullopt};
  }

  bool fail = false;
  int reads = 0;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

TEST(hr_source, read_and_map_maps_every_row_of_a_source_that_is_no_file) {
  memory_source src({"id", "first", "last", "email"}, {{"7", "Ada", "Lovelace", "ada@example.com"},
                                                       {"9", "Alan", "Turing", "alan@example.com"}});
  const auto snap = read_and_map(src, id_name_rules(), "id");
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  EXPECT_EQ(src.reads, 1);
  EXPECT_EQ(snap->source.origin, "memory:hr");
  EXPECT_EQ(snap->source.rows_read, 2U);
  ASSERT_EQ(snap->mapped.users.size(), 2U);
  EXPECT_EQ(snap->mapped.users[0].key, "7");
  EXPECT_EQ(snap->mapped.users[0].get(attribute::given_name), "Ada");
  EXPECT_EQ(snap->mapped.users[1].get(attribute::email), "alan@example.com");
  EXPECT_FALSE(src.watched_file().has_value());
}

TEST(hr_source, a_rejected_read_comes_back_whole_and_nothing_is_mapped) {
  memory_source src({"id", "first", "last", "email"}, {{"7", "Ada", "Lovelace", "ada@example.com"}});
  src.fail = true;
  const auto snap = read_and_map(src, id_name_rules(), "id");
  ASSERT_FALSE(snap.has_value());
  EXPECT_EQ(snap.error().message, "memory:hr: the HR system answered 503");
}

TEST(hr_source, a_header_without_a_mapped_column_is_an_error_naming_the_origin) {
  memory_source src({"id", "first", "email"}, {{"7", "Ada", "ada@example.com"}});
  const auto snap = read_and_map(src, id_name_rules(), "id");
  ASSERT_FALSE(snap.has_value());
  EXPECT_EQ(snap.error().message.rfind("memory:hr: ", 0), 0U) << snap.error().message;
  EXPECT_NE(snap.error().message.find("last"), std::string::npos) << snap.error().message;
}

}  // namespace
}  // namespace eightsync::core
