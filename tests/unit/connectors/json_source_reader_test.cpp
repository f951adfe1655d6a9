// JSON HR exports through make_hr_source: an array of flat objects or NDJSON, value
// rendering, quarantined records and rejected files.
#include <gtest/gtest.h>

#include <string>

#include "source_test_support.hpp"

namespace eightsync::connectors::test {
namespace {

using core::quarantine_reason;

class json_source : public source_test {
 protected:
  json_source() { options.type = core::source_type::json; }
};

TEST_F(json_source, ReadsArrayOfObjectsWithLines) {
  const auto s = read_ok(
      "[\n"
      "  {\"employee_id\": \"1\", \"name\": \"Ann\"},\n"
      "  {\"employee_id\": \"2\",\n"
      "   \"name\": \"Bob\"}\n"
      "]\n",
      "export.json");
  EXPECT_EQ(sink.header_calls, 1);
  EXPECT_EQ(sink.header, (strings{"employee_id", "name"}));
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "Ann"}));
  EXPECT_EQ(sink.rows[0].line, 2u);
  EXPECT_EQ(sink.rows[0].record, 1u);
  EXPECT_EQ(sink.rows[1].fields, (strings{"2", "Bob"}));
  EXPECT_EQ(sink.rows[1].line, 3u);
  EXPECT_EQ(sink.rows[1].record, 2u);
  EXPECT_EQ(s.rows_read, 2u);
  EXPECT_EQ(s.quarantined, 0u);
}

TEST_F(json_source, HeaderIsUnionOfKeysAndMissingKeysAreEmpty) {
  read_ok(R"([{"employee_id":"1","name":"Ann"},{"dept":"IT","employee_id":"2"}])", "e.json");
  EXPECT_EQ(sink.header, (strings{"employee_id", "name", "dept"}));
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "Ann", ""}));
  EXPECT_EQ(sink.rows[1].fields, (strings{"2", "", "IT"}));
  EXPECT_EQ(sink.rows[1].line, 1u);
}

TEST_F(json_source, ReadsNdjson) {
  const auto s = read_ok(
      "{\"employee_id\": \"1\", \"name\": \"Ann\"}\n"
      "\n"
      "{\"employee_id\": \"2\", \"name\": \"Bob\"}\r\n"
      "{\"employee_id\": \"3\", \"name\": \"Cy\"}",
      "export.ndjson");
  EXPECT_EQ(sink.header, (strings{"employee_id", "name"}));
  ASSERT_EQ(sink.rows.size(), 3u);
  EXPECT_EQ(sink.rows[0].line, 1u);
  EXPECT_EQ(sink.rows[1].fields, (strings{"2", "Bob"}));
  EXPECT_EQ(sink.rows[1].line, 3u);
  EXPECT_EQ(sink.rows[1].record, 2u);
  EXPECT_EQ(sink.rows[2].fields, (strings{"3", "Cy"}));
  EXPECT_EQ(sink.rows[2].line, 4u);
  EXPECT_EQ(s.rows_read, 3u);
}

TEST_F(json_source, QuarantinesBadNdjsonLineAndReadsTheRest) {
  const auto s = read_ok(
      "{\"employee_id\": \"1\"}\n"
      "{\"employee_id\": \"2\", \"typo\" \"x\"}\n"
      "{\"employee_id\": \"3\"} trailing\n"
      "{\"employee_id\": \"4\"}\n",
      "export.ndjson");
  ASSERT_EQ(sink.quarantined.size(), 2u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::invalid_record);
  EXPECT_EQ(sink.quarantined[0].line, 2u);
  EXPECT_EQ(sink.quarantined[0].record, 2u);
  EXPECT_EQ(sink.quarantined[0].key, "");
  EXPECT_EQ(sink.quarantined[0].detail,
            "line 2 is not a JSON object: invalid JSON (syntax error) at column 29");
  EXPECT_EQ(sink.quarantined[1].line, 3u);
  EXPECT_EQ(sink.quarantined[1].detail,
            "line 3 is not a JSON object: text after the end of the object at column 22");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[1].fields, (strings{"4"}));
  EXPECT_EQ(sink.rows[1].record, 4u);
  // Names from a line that failed do not reach the header.
  EXPECT_EQ(sink.header, (strings{"employee_id"}));
  EXPECT_EQ(s.rows_read, 4u);
  EXPECT_EQ(s.quarantined, 2u);
}

TEST_F(json_source, RejectsNdjsonWhoseFirstLineIsNotAnObject) {
  // A pretty-printed single object is neither an array export nor NDJSON.
  EXPECT_EQ(read_error("{\n  \"employee_id\": \"1\"\n}\n", "e.json"),
            "PATH: line 1: not a JSON export: the first line is not a complete JSON object "
            "(NDJSON needs one object per line; an array must start with '['): invalid "
            "JSON (incomplete JSON) at the end of the line");
}

TEST_F(json_source, QuarantinesNestedObjectNamingTheField) {
  read_ok(R"([{"employee_id":"1","manager":{"id":"9"}},{"employee_id":"2","manager":"9"}])", "e.json");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  const auto& q = sink.quarantined[0];
  EXPECT_EQ(q.reason, quarantine_reason::invalid_record);
  EXPECT_EQ(q.record, 1u);
  EXPECT_EQ(q.line, 1u);
  EXPECT_EQ(q.key, "1");
  EXPECT_EQ(q.detail,
            "field \"manager\" holds an object; only strings, numbers, booleans and null can be "
            "read");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"2", "9"}));
}

TEST_F(json_source, QuarantinesNestedArrayNamingTheField) {
  read_ok("{\"employee_id\":\"1\",\"groups\":[\"a\",\"b\"]}\n{\"employee_id\":\"2\"}\n", "e.json");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::invalid_record);
  EXPECT_EQ(sink.quarantined[0].detail,
            "field \"groups\" holds an array; only strings, numbers, booleans and null can be "
            "read");
  EXPECT_EQ(sink.header, (strings{"employee_id", "groups"}));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"2", ""}));
}

TEST_F(json_source, QuarantinesElementThatIsNotAnObject) {
  read_ok("[\n{\"employee_id\":\"1\"},\n42,\n\"x\",\n[1],\nnull\n]", "e.json");
  ASSERT_EQ(sink.quarantined.size(), 4u);
  EXPECT_EQ(sink.quarantined[0].detail, "the record is a number, not an object");
  EXPECT_EQ(sink.quarantined[0].line, 3u);
  EXPECT_EQ(sink.quarantined[0].record, 2u);
  EXPECT_EQ(sink.quarantined[1].detail, "the record is a string, not an object");
  EXPECT_EQ(sink.quarantined[2].detail, "the record is an array, not an object");
  EXPECT_EQ(sink.quarantined[2].line, 5u);
  EXPECT_EQ(sink.quarantined[3].detail, "the record is null, not an object");
  for (const auto& q : sink.quarantined) {
    EXPECT_EQ(q.reason, quarantine_reason::invalid_record);
  }
  ASSERT_EQ(sink.rows.size(), 1u);
}

TEST_F(json_source, RendersNumbersBooleansAndNullAsText) {
  read_ok(R"([{"employee_id":123,"salary":12.50,"exp":1e3,"neg":-7,)"
          R"("big":123456789012345678901234567890,"active":true,"contractor":false,"mgr":null}])",
          "e.json");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.header,
            (strings{"employee_id", "salary", "exp", "neg", "big", "active", "contractor", "mgr"}));
  EXPECT_EQ(sink.rows[0].fields,
            (strings{"123", "12.50", "1e3", "-7", "123456789012345678901234567890", "true", "false", ""}));
}

TEST_F(json_source, DecodesStringEscapes) {
  read_ok(R"([{"employee_id":"1","name":"Ren\u00e9 \"R\"\nX\\"}])", "e.json");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields[1], "Ren\xC3\xA9 \"R\"\nX\\");
}

TEST_F(json_source, NormalizesNumericKey) {
  options.key_normalize = core::key_normalization::zero_pad;
  options.key_width = 6;
  read_ok(R"([{"employee_id":123},{"employee_id":" 77 "}])", "e.json");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields[0], "000123");
  EXPECT_EQ(sink.rows[1].fields[0], "000077");
}

TEST_F(json_source, QuarantinesMissingOrNullKeyAsEmptyKey) {
  read_ok(R"([{"employee_id":"1"},{"name":"Bob"},{"employee_id":null},{"employee_id":"  "}])", "e.json");
  ASSERT_EQ(sink.quarantined.size(), 3u);
  for (const auto& q : sink.quarantined) {
    EXPECT_EQ(q.reason, quarantine_reason::empty_key);
    EXPECT_EQ(q.detail, "the key column \"employee_id\" is empty");
  }
  EXPECT_EQ(sink.quarantined[0].record, 2u);
  ASSERT_EQ(sink.rows.size(), 1u);
}

TEST_F(json_source, QuarantinesFieldNamedTwice) {
  read_ok(R"([{"employee_id":"1","name":"A","name":"B"}])", "e.json");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::invalid_record);
  EXPECT_EQ(sink.quarantined[0].detail, "field \"name\" appears twice in the record");
  EXPECT_EQ(sink.quarantined[0].key, "1");
}

TEST_F(json_source, QuarantinesInvalidUtf8ValueNamingColumn) {
  read_ok("[{\"employee_id\":\"1\",\"name\":\"Ren\xE9\"},{\"employee_id\":\"2\",\"name\":\"B\"}]", "e.json");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::invalid_utf8);
  EXPECT_EQ(sink.quarantined[0].key, "1");
  EXPECT_EQ(sink.quarantined[0].detail,
            "column \"name\" is not valid UTF-8 (byte 0xE9 at byte 4); if the file was saved by "
            "Excel on Windows, set source.encoding to cp1252");
  ASSERT_EQ(sink.rows.size(), 1u);
}

TEST_F(json_source, QuarantinesInvalidUtf8FieldName) {
  read_ok("[{\"employee_id\":\"1\",\"n\xE9\":\"x\"},{\"employee_id\":\"2\"}]", "e.json");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::invalid_utf8);
  EXPECT_EQ(sink.quarantined[0].detail, "a field name is not valid UTF-8");
  EXPECT_EQ(sink.header, (strings{"employee_id"}));
}

TEST_F(json_source, ConvertsDeclaredCp1252) {
  options.encoding = core::source_encoding::cp1252;
  read_ok(
      "[{\"employee_id\":\"1\",\"name\":\"\x80 Ren\xE9 Ho\x9A"
      "ek\"}]",
      "e.json");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields[1],
            "\xE2\x82\xAC Ren\xC3\xA9 Ho\xC5\xA1"
            "ek");
}

TEST_F(json_source, StripsUtf8ByteOrderMark) {
  read_ok("\xEF\xBB\xBF[{\"employee_id\":\"1\"}]", "e.json");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields[0], "1");
}

TEST_F(json_source, RejectsSyntaxErrorWithLineAndColumn) {
  EXPECT_EQ(read_error("[\n  {\"employee_id\": \"1\"},\n  {\"employee_id\" \"2\"}\n]\n", "e.json"),
            "PATH: line 3, column 18: invalid JSON (syntax error)");
}

TEST_F(json_source, RejectsSyntaxErrorInMinifiedArrayWithColumn) {
  EXPECT_EQ(read_error(R"([{"employee_id":"1"},{"employee_id":"2",}])", "e.json"),
            "PATH: line 1, column 41: invalid JSON (syntax error)");
}

TEST_F(json_source, RejectsArrayThatIsNeverClosed) {
  EXPECT_EQ(read_error("[\n{\"employee_id\":\"1\"},\n{\"employee_id\":\"2\"}\n", "e.json"),
            "PATH: line 3: the file ends before the JSON array is closed");
}

TEST_F(json_source, RejectsTextAfterTheArray) {
  EXPECT_EQ(read_error("[{\"employee_id\":\"1\"}]\n[{\"employee_id\":\"2\"}]\n", "e.json"),
            "PATH: line 2: text after the end of the JSON array");
}

TEST_F(json_source, RejectsScalarDocument) {
  const std::string why =
      ": line 2: not a JSON export: it must be an array of objects (starting with '[') or "
      "NDJSON, one object per line (starting with '{')";
  EXPECT_EQ(read_error("\n\"employee_id\"\n", "e.json"), "PATH" + why);
  EXPECT_EQ(read_error("\n42\n", "f.json"), "PATH" + why);
}

TEST_F(json_source, RejectsEmptyFile) {
  EXPECT_EQ(read_error(" \n\t\n", "e.json"), "PATH: the file is empty");
}

TEST_F(json_source, RejectsEmptyArrayWhenRowsAreRequired) {
  options.min_rows = 1;
  EXPECT_EQ(read_error("[]", "e.json"), "PATH: found 0 records, fewer than min_rows (1)");
}

TEST_F(json_source, AcceptsEmptyArrayWhenMinRowsIsZero) {
  const auto s = read_ok("[ ]\n", "e.json");
  EXPECT_EQ(sink.header_calls, 1);
  EXPECT_TRUE(sink.header.empty());
  EXPECT_EQ(s.rows_read, 0u);
}

TEST_F(json_source, RejectsFewerRecordsThanMinRowsCountingQuarantined) {
  options.min_rows = 3;
  EXPECT_EQ(read_error(R"([{"employee_id":"1"},7])", "e.json"),
            "PATH: found 2 records, fewer than min_rows (3)");
}

TEST_F(json_source, RejectsExportWithoutKeyField) {
  EXPECT_EQ(read_error(R"([{"id":"1","name":"Ann"}])", "e.json"),
            "PATH: the header has no key column \"employee_id\" (source.key); its columns "
            "are: id, name");
  EXPECT_EQ(sink.header_calls, 0);
}

TEST_F(json_source, ReportsSha256AndBytes) {
  // sha256sum of the same 22 bytes, computed when the test was written.
  const auto s = read_ok("[{\"employee_id\":\"1\"}]\n", "e.json");
  EXPECT_EQ(s.bytes, 22u);
  EXPECT_EQ(s.sha256, "f32188bd4d5a3e9327718538b80156f5a95255ac6b683c0ad1c77b0e138cc203");
  EXPECT_EQ(s.rows_read, 1u);
}

TEST_F(json_source, RejectsNonexistentPath) {
  options.path = dir.path() / "missing.json";
  const auto r = make_hr_source(options)->read(sink);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(without_path(r.error().message), "PATH: cannot open: No such file or directory");
}

}  // namespace
}  // namespace eightsync::connectors::test
