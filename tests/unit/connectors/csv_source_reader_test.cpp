// CSV HR exports through make_hr_source: RFC 4180 edge cases, encodings, quarantine reasons
// and file-level rejections, each in its own test.
#include <gtest/gtest.h>

#include <string>

#include "source_test_support.hpp"

namespace eightsync::connectors::test {
namespace {

using core::quarantine_reason;

class csv_source : public source_test {};

// --- line endings -------------------------------------------------------------------------

TEST_F(csv_source, ReadsHeaderAndRowsWithLfLineEnds) {
  const auto s = read_ok("employee_id,name\n1,Ann\n2,Bob\n");
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
  EXPECT_TRUE(sink.quarantined.empty());
}

TEST_F(csv_source, ReadsCrlfLineEnds) {
  read_ok("employee_id,name\r\n1,Ann\r\n2,Bob\r\n");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.header, (strings{"employee_id", "name"}));
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "Ann"}));
  EXPECT_EQ(sink.rows[1].fields, (strings{"2", "Bob"}));
  EXPECT_EQ(sink.rows[1].line, 3u);
}

TEST_F(csv_source, ReadsCrOnlyLineEnds) {
  read_ok("employee_id,name\r1,Ann\r2,Bob\r");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "Ann"}));
  EXPECT_EQ(sink.rows[0].line, 2u);
  EXPECT_EQ(sink.rows[1].fields, (strings{"2", "Bob"}));
  EXPECT_EQ(sink.rows[1].line, 3u);
}

TEST_F(csv_source, ReadsLastRowWithoutLineEnd) {
  read_ok("employee_id,name\n1,Ann\n2,Bob");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[1].fields, (strings{"2", "Bob"}));
  EXPECT_EQ(sink.rows[1].line, 3u);
}

// --- quoting ------------------------------------------------------------------------------

TEST_F(csv_source, KeepsDelimiterInsideQuotedField) {
  read_ok("employee_id,name,title\n1,\"Doe, Jane\",\"VP, Sales\"\n");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "Doe, Jane", "VP, Sales"}));
}

TEST_F(csv_source, QuotedNewlinesKeepRecordStartLineAndLaterLines) {
  read_ok(
      "employee_id,note\n"
      "1,\"a\nb\"\n"
      "2,\"x\r\ny\r\nz\"\n"
      "3,plain\n");
  ASSERT_EQ(sink.rows.size(), 3u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "a\nb"}));
  EXPECT_EQ(sink.rows[0].line, 2u);
  EXPECT_EQ(sink.rows[1].fields, (strings{"2", "x\r\ny\r\nz"}));
  EXPECT_EQ(sink.rows[1].line, 4u);
  EXPECT_EQ(sink.rows[2].fields, (strings{"3", "plain"}));
  EXPECT_EQ(sink.rows[2].line, 7u);
  EXPECT_EQ(sink.rows[2].record, 3u);
}

TEST_F(csv_source, UnescapesDoubledQuotes) {
  read_ok("employee_id,name\n1,\"Dwayne \"\"The Rock\"\" Johnson\"\n2,\"\"\"\"\n");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields[1], "Dwayne \"The Rock\" Johnson");
  EXPECT_EQ(sink.rows[1].fields[1], "\"");
}

TEST_F(csv_source, QuotedFieldKeepsSpacesUnquotedIsTrimmed) {
  read_ok("employee_id,a,b\n1,  padded  ,\"  kept  \"\n");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "padded", "  kept  "}));
}

TEST_F(csv_source, EmptyFieldsAreEmptyStrings) {
  read_ok("employee_id,a,b,c\n1,,\"\",x\n");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "", "", "x"}));
}

TEST_F(csv_source, StrayQuoteInUnquotedFieldQuarantinesOnlyThatRow) {
  const auto s = read_ok("employee_id,height\n1,5'10\"\n2,6'\n");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  const auto& q = sink.quarantined[0];
  EXPECT_EQ(q.reason, quarantine_reason::invalid_record);
  EXPECT_EQ(q.line, 2u);
  EXPECT_EQ(q.record, 1u);
  EXPECT_EQ(q.key, "1");
  EXPECT_EQ(q.detail,
            "column \"height\" has a quote inside an unquoted field, or text after a closing "
            "quote (line 2)");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"2", "6'"}));
  EXPECT_EQ(sink.rows[0].line, 3u);
  EXPECT_EQ(sink.rows[0].record, 2u);
  EXPECT_EQ(s.rows_read, 2u);
  EXPECT_EQ(s.quarantined, 1u);
}

TEST_F(csv_source, TextAfterClosingQuoteDoesNotSwallowLaterRows) {
  // Non-strict parsing would read `"Smith" Jr,...` as an open quoted field running on through
  // the next rows.
  read_ok("employee_id,name,dept\n1,\"Smith\" Jr,Sales\n2,Ann,IT\n3,\"Bob\",HR\n");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::invalid_record);
  EXPECT_EQ(sink.quarantined[0].line, 2u);
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"2", "Ann", "IT"}));
  EXPECT_EQ(sink.rows[0].line, 3u);
  EXPECT_EQ(sink.rows[1].fields, (strings{"3", "Bob", "HR"}));
}

TEST_F(csv_source, UnterminatedQuoteRejectsFileNamingTheLineItBegan) {
  const std::string err =
      read_error("employee_id,name,note\n1,Ann,ok\n2,Bob,\"never closed\n3,Cy,x\n4,Di,y\n");
  EXPECT_EQ(err, "PATH: line 3: a quoted field begins here and is never closed");
}

TEST_F(csv_source, UnterminatedQuoteInFirstFieldNamesRecordLine) {
  const std::string err = read_error("employee_id,name\n\n1,Ann\n\"2,Bob\n");
  EXPECT_EQ(err, "PATH: line 4: a quoted field begins here and is never closed");
}

// --- BOM, blank lines, delimiters -----------------------------------------------------------

TEST_F(csv_source, StripsUtf8ByteOrderMark) {
  const auto s = read_ok(
      "\xEF\xBB\xBF"
      "employee_id,name\n1,Ann\n");
  EXPECT_EQ(sink.header, (strings{"employee_id", "name"}));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].line, 2u);
  EXPECT_EQ(s.bytes, 26u);  // the BOM counts: bytes are as stored
}

TEST_F(csv_source, SkipsBlankAndWhitespaceOnlyLines) {
  const auto s = read_ok("\nemployee_id,name\n\n1,Ann\n   \n\t\n\r\n2,Bob\n\n");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "Ann"}));
  EXPECT_EQ(sink.rows[0].line, 4u);
  EXPECT_EQ(sink.rows[0].record, 1u);
  EXPECT_EQ(sink.rows[1].fields, (strings{"2", "Bob"}));
  EXPECT_EQ(sink.rows[1].line, 8u);
  EXPECT_EQ(sink.rows[1].record, 2u);
  EXPECT_EQ(s.rows_read, 2u);
}

TEST_F(csv_source, SkipsRowsOfBareDelimiters) {
  const auto s = read_ok("employee_id,name,dept\n1,Ann,IT\n,,\n, ,\n2,Bob,HR\n");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[1].fields, (strings{"2", "Bob", "HR"}));
  EXPECT_EQ(sink.rows[1].line, 5u);
  EXPECT_EQ(sink.rows[1].record, 2u);
  EXPECT_TRUE(sink.quarantined.empty());
  EXPECT_EQ(s.rows_read, 2u);
}

TEST_F(csv_source, ReadsSemicolonDelimiter) {
  options.delimiter = ';';
  read_ok("employee_id;name;city\n1;Doe, Jane;\"Köln; Süd\"\n");
  EXPECT_EQ(sink.header, (strings{"employee_id", "name", "city"}));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "Doe, Jane", "Köln; Süd"}));
}

TEST_F(csv_source, ReadsTabDelimiterWithEmptyFields) {
  options.delimiter = '\t';
  read_ok("employee_id\tname\tdept\n1\tAnn Lee\tIT\n2\t\tHR\n");
  EXPECT_EQ(sink.header, (strings{"employee_id", "name", "dept"}));
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "Ann Lee", "IT"}));
  EXPECT_EQ(sink.rows[1].fields, (strings{"2", "", "HR"}));
}

// --- encodings ----------------------------------------------------------------------------

TEST_F(csv_source, ConvertsCp1252ToUtf8) {
  options.encoding = core::source_encoding::cp1252;
  // 0x80 is the euro sign, 0xE9 é, 0x9A š: cp1252, as Excel on Windows saves it.
  const auto s = read_ok(
      "employee_id,name\r\n1,\x80 Ren\xE9 Ho\x9A"
      "ek\r\n");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields[1],
            "\xE2\x82\xAC Ren\xC3\xA9 Ho\xC5\xA1"
            "ek");
  EXPECT_EQ(s.bytes, 34u);  // counted as stored, before conversion
}

TEST_F(csv_source, QuarantinesByteUndefinedInCp1252) {
  options.encoding = core::source_encoding::cp1252;
  read_ok(
      "employee_id,name\n1,A\x81"
      "B\n2,Bob\n");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::invalid_utf8);
  EXPECT_EQ(sink.quarantined[0].line, 2u);
  EXPECT_EQ(sink.quarantined[0].key, "1");
  EXPECT_EQ(sink.quarantined[0].detail,
            "column \"name\" holds byte 0x81, which CP1252 does not define (at byte 2)");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"2", "Bob"}));
}

TEST_F(csv_source, ConvertsLatin1ToUtf8) {
  options.encoding = core::source_encoding::latin1;
  read_ok("employee_id,name\n1,J\xFCrgen M\xE9nard\n");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields[1], "J\xC3\xBCrgen M\xC3\xA9nard");
}

TEST_F(csv_source, RejectsUtf8ByteOrderMarkWhenCp1252IsDeclared) {
  options.encoding = core::source_encoding::cp1252;
  EXPECT_EQ(read_error("\xEF\xBB\xBF"
                       "employee_id\n1\n"),
            "PATH: starts with a UTF-8 byte order mark, but source.encoding is CP1252; "
            "set it to utf-8");
}

TEST_F(csv_source, RejectsUtf16ByteOrderMark) {
  EXPECT_EQ(read_error(std::string("\xFF\xFE"
                                   "e\0m\0",
                                   6)),
            "PATH: starts with a UTF-16 byte order mark (Excel's \"Unicode Text\"); "
            "export it as CSV UTF-8 instead");
}

// --- quarantine reasons -------------------------------------------------------------------

TEST_F(csv_source, QuarantinesInvalidUtf8NamingColumnAndLine) {
  const auto s = read_ok("employee_id,first,last\n1,Ann,Lee\n2,Ren\xE9,Roy\n3,Cy,Ng\n");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  const auto& q = sink.quarantined[0];
  EXPECT_EQ(q.reason, quarantine_reason::invalid_utf8);
  EXPECT_EQ(q.line, 3u);
  EXPECT_EQ(q.record, 2u);
  EXPECT_EQ(q.key, "2");
  EXPECT_EQ(q.detail,
            "column \"first\" is not valid UTF-8 (byte 0xE9 at byte 4); if the file was saved "
            "by Excel on Windows, set source.encoding to cp1252");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[1].fields, (strings{"3", "Cy", "Ng"}));
  EXPECT_EQ(sink.rows[1].record, 3u);
  EXPECT_EQ(s.rows_read, 3u);
  EXPECT_EQ(s.quarantined, 1u);
}

TEST_F(csv_source, InvalidUtf8InKeyColumnLeavesKeyEmpty) {
  read_ok("employee_id,name\n\xC3(,Ann\n");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::invalid_utf8);
  EXPECT_EQ(sink.quarantined[0].key, "");
}

TEST_F(csv_source, QuarantinesRowWithTooManyFields) {
  read_ok("employee_id,name\n1,Doe, Jane\n2,Bob\n");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  const auto& q = sink.quarantined[0];
  EXPECT_EQ(q.reason, quarantine_reason::field_count);
  EXPECT_EQ(q.line, 2u);
  EXPECT_EQ(q.record, 1u);
  EXPECT_EQ(q.key, "1");  // the first column cannot have shifted
  EXPECT_EQ(q.detail, "has 3 fields; the header has 2");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"2", "Bob"}));
  EXPECT_EQ(sink.rows[0].record, 2u);
}

TEST_F(csv_source, QuarantinesRowWithTooFewFields) {
  read_ok("employee_id,name,dept\n1,Ann\n2,Bob,IT\n");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::field_count);
  EXPECT_EQ(sink.quarantined[0].detail, "has 2 fields; the header has 3");
  EXPECT_EQ(sink.quarantined[0].line, 2u);
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"2", "Bob", "IT"}));
}

TEST_F(csv_source, FieldCountQuarantineOmitsKeyNotInFirstColumn) {
  // The extra comma comes before the key column: its third field is not the key.
  read_ok("name,dept,employee_id\nDoe, Jane,IT,7\n");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::field_count);
  EXPECT_EQ(sink.quarantined[0].key, "");
}

TEST_F(csv_source, FieldCountQuarantineOfMultilineRecordOmitsKey) {
  read_ok("employee_id,note\n1,\"two\nlines\",extra\n");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::field_count);
  EXPECT_EQ(sink.quarantined[0].line, 2u);
  EXPECT_EQ(sink.quarantined[0].key, "");
}

TEST_F(csv_source, QuarantinesEmptyKey) {
  const auto s = read_ok("employee_id,name\n,Ann\n\"  \",Bob\n3,Cy\n");
  ASSERT_EQ(sink.quarantined.size(), 2u);
  EXPECT_EQ(sink.quarantined[0].reason, quarantine_reason::empty_key);
  EXPECT_EQ(sink.quarantined[0].line, 2u);
  EXPECT_EQ(sink.quarantined[0].key, "");
  EXPECT_EQ(sink.quarantined[0].detail, "the key column \"employee_id\" is empty");
  EXPECT_EQ(sink.quarantined[1].reason, quarantine_reason::empty_key);
  EXPECT_EQ(sink.quarantined[1].line, 3u);
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].record, 3u);
  EXPECT_EQ(s.quarantined, 2u);
}

TEST_F(csv_source, TrimsWhitespaceAroundKeyOnly) {
  read_ok("name,employee_id\n\"  Ann  \",\" \t42 \"\n");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"  Ann  ", "42"}));
}

TEST_F(csv_source, StripsLeadingZerosFromKey) {
  options.key_normalize = core::key_normalization::strip_leading_zeros;
  read_ok("employee_id\n00123\n000\n\" 0042 \"\nA007\n");
  ASSERT_EQ(sink.rows.size(), 4u);
  EXPECT_EQ(sink.rows[0].fields[0], "123");
  EXPECT_EQ(sink.rows[1].fields[0], "0");
  EXPECT_EQ(sink.rows[2].fields[0], "42");
  EXPECT_EQ(sink.rows[3].fields[0], "A007");  // not all digits: left as written
}

TEST_F(csv_source, ZeroPadsKeyToWidth) {
  options.key_normalize = core::key_normalization::zero_pad;
  options.key_width = 5;
  read_ok("employee_id\n123\n00042\n1234567\n12A\n");
  ASSERT_EQ(sink.rows.size(), 4u);
  EXPECT_EQ(sink.rows[0].fields[0], "00123");
  EXPECT_EQ(sink.rows[1].fields[0], "00042");
  EXPECT_EQ(sink.rows[2].fields[0], "1234567");
  EXPECT_EQ(sink.rows[3].fields[0], "12A");
}

// --- header -------------------------------------------------------------------------------

TEST_F(csv_source, TrimsHeaderNames) {
  read_ok(" employee_id ,\tname\t, \"dept \"\n1,Ann,IT\n");
  EXPECT_EQ(sink.header, (strings{"employee_id", "name", "dept"}));
  ASSERT_EQ(sink.rows.size(), 1u);
}

TEST_F(csv_source, RejectsHeaderWithoutKeyColumnListingItsColumns) {
  EXPECT_EQ(read_error("id,name,\n1,Ann,\n"),
            "PATH: line 1: the header has no key column \"employee_id\" (source.key); its "
            "columns are: id, name, (unnamed)");
  EXPECT_EQ(sink.header_calls, 0);
}

TEST_F(csv_source, RejectsDuplicateHeaderColumn) {
  EXPECT_EQ(read_error("employee_id,email,name,email\n1,a@x,Ann,b@x\n"),
            "PATH: line 1: column \"email\" appears twice in the header (columns 2 and 4)");
}

TEST_F(csv_source, AllowsSeveralUnnamedColumns) {
  read_ok("employee_id,,name,\n1,,Ann,\n");
  EXPECT_EQ(sink.header, (strings{"employee_id", "", "name", ""}));
  ASSERT_EQ(sink.rows.size(), 1u);
}

TEST_F(csv_source, RejectsHeaderThatIsNotUtf8) {
  EXPECT_EQ(read_error("employee_id,Pr\xE9nom\n1,Ann\n"),
            "PATH: line 1: header column 2 is not valid UTF-8 (byte 0xE9 at byte 3 of the "
            "name)");
}

TEST_F(csv_source, RejectsMalformedQuotingInHeader) {
  EXPECT_EQ(read_error("employee_id,\"name\"x\n1,Ann\n"),
            "PATH: line 1: malformed quoting in the header: column 2 has a quote inside an "
            "unquoted field, or text after a closing quote (line 1)");
}

TEST_F(csv_source, HeaderAfterBlankLinesReportsItsLine) {
  EXPECT_EQ(read_error("\n\nid\n1\n"),
            "PATH: line 3: the header has no key column \"employee_id\" (source.key); its "
            "columns are: id");
}

// --- file-level rejections ----------------------------------------------------------------

TEST_F(csv_source, RejectsEmptyFile) {
  EXPECT_EQ(read_error(""), "PATH: the file is empty: no header");
  EXPECT_EQ(sink.header_calls, 0);
}

TEST_F(csv_source, RejectsFileOfBlankLinesAsEmpty) {
  EXPECT_EQ(read_error("\xEF\xBB\xBF\n  \r\n\n"), "PATH: the file is empty: no header");
}

TEST_F(csv_source, RejectsHeaderOnlyWhenRowsAreRequired) {
  options.min_rows = 1;
  EXPECT_EQ(read_error("employee_id,name\n"), "PATH: found 0 data rows, fewer than min_rows (1)");
}

TEST_F(csv_source, AcceptsHeaderOnlyWhenMinRowsIsZero) {
  const auto s = read_ok("employee_id,name\n");
  EXPECT_EQ(sink.header, (strings{"employee_id", "name"}));
  EXPECT_TRUE(sink.rows.empty());
  EXPECT_EQ(s.rows_read, 0u);
}

TEST_F(csv_source, RejectsFewerRowsThanMinRowsCountingQuarantined) {
  options.min_rows = 4;
  EXPECT_EQ(read_error("employee_id,name\n1,Ann\n,Bob\n3,Cy\n"),
            "PATH: found 3 data rows, fewer than min_rows (4)");
}

TEST_F(csv_source, MinRowsCountsQuarantinedRows) {
  options.min_rows = 3;
  const auto s = read_ok("employee_id,name\n1,Ann\n,Bob\n3,Cy\n");
  EXPECT_EQ(s.rows_read, 3u);
  EXPECT_EQ(s.quarantined, 1u);
}

TEST_F(csv_source, RejectsNonexistentPath) {
  options.path = dir.path() / "missing.csv";
  const auto r = make_hr_source(options)->read(sink);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(without_path(r.error().message), "PATH: cannot open: No such file or directory");
}

TEST_F(csv_source, RejectsDirectory) {
  options.path = dir.path();
  const auto r = make_hr_source(options)->read(sink);
  ASSERT_FALSE(r.has_value());
  // Refused by what it is, before reading (issue 13; it used to be "cannot read: Is a directory").
  EXPECT_EQ(without_path(r.error().message), "PATH: is a directory, not a regular file");
}

// --- summary ------------------------------------------------------------------------------

TEST_F(csv_source, ReportsSha256AndByteCountOfRawFile) {
  // sha256sum of the same 23 bytes, computed when the test was written.
  const auto s = read_ok("employee_id,name\n1,Ann\n");
  EXPECT_EQ(s.bytes, 23u);
  EXPECT_EQ(s.sha256, "a1eaaa36f3166c181ef9bc1572eabcec5144953a09e75c14c1bbd2741d1f7c41");
  EXPECT_EQ(s.origin, options.path.string());
  EXPECT_EQ(s.rows_read, 1u);
}

TEST_F(csv_source, Sha256CoversByteOrderMark) {
  const auto s = read_ok(
      "\xEF\xBB\xBF"
      "employee_id\n7\n");
  EXPECT_EQ(s.bytes, 17u);
  EXPECT_EQ(s.sha256, "9829300ac62c7724137d507560e9eba395cc6b1561154a6948f603f0453c36d2");
}

}  // namespace
}  // namespace eightsync::connectors::test

namespace eightsync::connectors::test {
namespace {

TEST_F(csv_source, RejectsDelimiterThatCannotSeparateFields) {
  options.delimiter = '"';
  EXPECT_EQ(read_error("employee_id\n1\n"), "PATH: source.delimiter cannot be a quote, a line end or NUL");
}

// --- a sink that only reads -----------------------------------------------------------------

// Like the mapper, it copies what it needs and leaves the row's strings to the reader, which
// then refills them for the next record.
class reading_sink : public core::row_sink {
 public:
  void on_header(const std::vector<std::string>& names) override { header = names; }
  void on_row(core::source_row&& row) override { rows.push_back(row.fields); }
  void on_quarantine(core::quarantined_row&& row) override { quarantined.push_back(std::move(row)); }

  std::vector<std::string> header;
  std::vector<strings> rows;
  std::vector<core::quarantined_row> quarantined;
};

TEST_F(csv_source, ReusedFieldBuffersNeverLeakIntoTheNextRecord) {
  options.path = dir.write("export.csv",
                           "employee_id,name,title\n"
                           "1,A much longer name than the rest,\"Director, Sales\"\n"
                           "2,,\n"
                           "3,Bo\n"
                           "4,Cy,x\"y\n"
                           "5,Di,\"multi\nline\"\n"
                           "6,,,,\n"
                           "7,Ed,\n");
  reading_sink reading;
  ASSERT_TRUE(make_hr_source(options)->read(reading).has_value());
  ASSERT_EQ(reading.rows.size(), 4u);
  EXPECT_EQ(reading.rows[0], (strings{"1", "A much longer name than the rest", "Director, Sales"}));
  EXPECT_EQ(reading.rows[1], (strings{"2", "", ""}));
  EXPECT_EQ(reading.rows[2], (strings{"5", "Di", "multi\nline"}));
  EXPECT_EQ(reading.rows[3], (strings{"7", "Ed", ""}));
  ASSERT_EQ(reading.quarantined.size(), 3u);
  EXPECT_EQ(reading.quarantined[0].reason, quarantine_reason::field_count);
  EXPECT_EQ(reading.quarantined[0].key, "3");
  EXPECT_EQ(reading.quarantined[1].reason, quarantine_reason::invalid_record);
  EXPECT_EQ(reading.quarantined[1].key, "4");
  EXPECT_EQ(reading.quarantined[2].reason, quarantine_reason::field_count);
  EXPECT_EQ(reading.quarantined[2].key, "6");
}

}  // namespace
}  // namespace eightsync::connectors::test
