// The JSON reader keeps only the columns its sink reads and counts the others (issue 13,
// finding 9): with a distinct extra key on every record, it stays linear.
#include <gtest/gtest.h>

#include <string>

#include "source_test_support.hpp"

namespace eightsync::connectors::test {
namespace {

/// A sink that reads two columns, as a mapping of employee_id and name would.
class two_column_sink : public recording_sink {
 public:
  bool uses_column(std::string_view name) const noexcept override {
    return name == "employee_id" || name == "name";
  }
};

class json_columns : public source_test {
 protected:
  json_columns() { options.type = core::source_type::json; }
  core::expected<source_summary, source_error> read_into(core::row_sink& s, std::string_view bytes,
                                                         const std::string& name) {
    options.path = dir.write(name, bytes);
    return make_hr_source(options)->read(s);
  }
};

TEST_F(json_columns, KeepsOnlyTheColumnsTheSinkReadsAndCountsTheRest) {
  constexpr int records = 20000;
  std::string ndjson;
  for (int i = 0; i < records; ++i) {
    ndjson += "{\"employee_id\":\"" + std::to_string(i) + "\",\"extra_" + std::to_string(i) +
              "\":\"x\",\"name\":\"n" + std::to_string(i) + "\"}\n";
  }
  two_column_sink s;
  const auto r = read_into(s, ndjson, "export.ndjson");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(s.header, (strings{"employee_id", "name"}));
  ASSERT_EQ(s.rows.size(), static_cast<std::size_t>(records));
  for (const auto& row : s.rows)
    ASSERT_EQ(row.fields.size(), 2u);
  EXPECT_EQ(s.rows[7].fields, (strings{"7", "n7"}));
  EXPECT_EQ(r->ignored_columns, static_cast<std::size_t>(records));
}

TEST_F(json_columns, AnArrayExportKeepsTheKeyColumnEvenWhenTheSinkDoesNotAsk) {
  two_column_sink s;
  options.key = "id";
  const auto r = read_into(s, R"([{"id":"1","name":"Ann","x":"1"},{"id":"2","y":"2","x":"3"}])", "e.json");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(s.header, (strings{"id", "name"}));
  ASSERT_EQ(s.rows.size(), 2u);
  EXPECT_EQ(s.rows[1].fields, (strings{"2", ""}));
  EXPECT_EQ(r->ignored_columns, 2u);
}

TEST_F(json_columns, NamesFromALineThatFailedAreNotCounted) {
  two_column_sink s;
  const auto r =
      read_into(s, "{\"employee_id\":\"1\",\"a\":1}\n{\"employee_id\":\"2\",\"b\" 1}\n", "e.ndjson");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->ignored_columns, 1u);
}

}  // namespace
}  // namespace eightsync::connectors::test
