// Realistic exports kept in tests/fixtures/sources/: what Excel on Windows saves, and what an
// HRIS report API returns as a JSON array and as NDJSON.
#include <gtest/gtest.h>

#include <filesystem>

#include "source_test_support.hpp"

namespace eightsync::connectors::test {
namespace {

using core::quarantine_reason;

std::filesystem::path fixture(const char* name) {
  return std::filesystem::path(EIGHTSYNC_FIXTURES_DIR) / "sources" / name;
}

TEST(fixture_sources, ExcelCp1252ExportWithDamagedIds) {
  core::source_options o;
  o.path = fixture("excel_cp1252.csv");
  o.key = "Employee ID";
  o.encoding = core::source_encoding::cp1252;
  o.key_normalize = core::key_normalization::zero_pad;
  o.key_width = 6;
  o.min_rows = 4;
  recording_sink sink;
  const auto r = make_hr_source(o)->read(sink);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->rows_read, 4u);  // the trailing ",,,,,,," row is skipped
  EXPECT_EQ(r->quarantined, 0u);
  EXPECT_EQ(r->bytes, std::filesystem::file_size(o.path));
  EXPECT_EQ(sink.header, (strings{"Employee ID", "First Name", "Last Name", "Work Email", "Job Title",
                                  "Department", "Location", "Status"}));
  ASSERT_EQ(sink.rows.size(), 4u);
  EXPECT_EQ(sink.rows[0].fields,
            (strings{"000123", "Ren\xC3\xA9", "Lef\xC3\xA8vre", "rene.lefevre@example.com", "Manager, Sales",
                     "Sales", "Paris", "Active"}));
  EXPECT_EQ(sink.rows[2].fields[0], "000089");
  EXPECT_EQ(sink.rows[2].fields[2], "O'Brien \"Zee\"");
  EXPECT_EQ(sink.rows[2].fields[4], "Head of \xE2\x82\xAC Ops");
  EXPECT_EQ(sink.rows[3].fields[4], "Analyst\r\nPart-time");
  EXPECT_EQ(sink.rows[3].line, 5u);
}

TEST(fixture_sources, HrisJsonArray) {
  core::source_options o;
  o.type = core::source_type::json;
  o.path = fixture("hris_array.json");
  o.key = "workerId";
  recording_sink sink;
  const auto r = make_hr_source(o)->read(sink);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->rows_read, 3u);
  EXPECT_EQ(sink.header, (strings{"workerId", "givenName", "familyName", "email", "active", "fte",
                                  "managerId", "costCenter", "location"}));
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"000123", "Ren\xC3\xA9", "Lef\xC3\xA8vre",
                                          "rene.lefevre@example.com", "true", "1.0", "", "", ""}));
  EXPECT_EQ(sink.rows[0].line, 2u);
  EXPECT_EQ(sink.rows[1].fields[1], "Ji\xC5\x99\xC3\xAD");
  EXPECT_EQ(sink.rows[1].fields[7], "4100");
  EXPECT_EQ(sink.rows[1].line, 11u);
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::invalid_record);
  EXPECT_EQ(sink.quarantined[0].key, "000089");
  EXPECT_EQ(sink.quarantined[0].line, 21u);
  EXPECT_EQ(sink.quarantined[0].detail,
            "field \"location\" holds an object; only strings, numbers, booleans and null can be "
            "read");
}

TEST(fixture_sources, HrisNdjsonWithTruncatedLine) {
  core::source_options o;
  o.type = core::source_type::json;
  o.path = fixture("hris_export.ndjson");
  o.key = "workerId";
  recording_sink sink;
  const auto r = make_hr_source(o)->read(sink);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->rows_read, 4u);
  EXPECT_EQ(r->quarantined, 1u);
  ASSERT_EQ(sink.rows.size(), 3u);
  EXPECT_EQ(sink.rows[2].fields[0], "000777");
  EXPECT_EQ(sink.rows[2].line, 4u);
  EXPECT_EQ(sink.rows[2].record, 4u);
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].line, 3u);
  EXPECT_EQ(sink.quarantined[0].key, "");
  EXPECT_EQ(sink.quarantined[0].detail,
            "line 3 is not a JSON object: invalid JSON (incomplete JSON) at the end of the line");
}

}  // namespace
}  // namespace eightsync::connectors::test
