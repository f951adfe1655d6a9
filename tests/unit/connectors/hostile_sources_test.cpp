// Hostile HR exports (issue 13): records longer than source.max_record_bytes, special files
// instead of an export, headers that hide characters or hold a million empty names, and keys
// holding control or bidi characters. Each test failed before the fix.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <string>

#include "core/quarantine_reason.hpp"
#include "source_test_support.hpp"

namespace eightsync::connectors::test {
namespace {

using core::enum_name;

constexpr std::size_t mib = 1024 * 1024;

class hostile_source : public source_test {};

// --- records longer than source.max_record_bytes (default 1 MiB) ------------------------------

TEST_F(hostile_source, CsvLineLongerThanTheLimitIsQuarantinedAndTheRestIsRead) {
  const std::string bytes = "employee_id,name\n1,Ann\n2," + std::string(2 * mib, 'x') + "\n3,Carl\n";
  const auto s = read_ok(bytes);
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(enum_name(sink.quarantined[0].reason), "record_too_long");
  EXPECT_EQ(sink.quarantined[0].line, 3u);
  EXPECT_EQ(sink.quarantined[0].key, "2");  // the first field, read whole on the record's line
  EXPECT_EQ(sink.quarantined[0].detail,
            "the record is longer than source.max_record_bytes (1048576 bytes); the rest of it was skipped");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "Ann"}));
  EXPECT_EQ(sink.rows[1].fields, (strings{"3", "Carl"}));
  EXPECT_EQ(sink.rows[1].line, 4u);
  EXPECT_EQ(s.rows_read, 3u);
  EXPECT_EQ(s.quarantined, 1u);
}

TEST_F(hostile_source, CsvQuotedRecordLongerThanTheLimitIsSkippedToItsEnd) {
  // A quoted field spanning many lines: the lines inside it look like rows, and must not be
  // read as rows once the record is cut.
  std::string inside;
  while (inside.size() < 2 * mib)
    inside += "9,Fake row inside the quotes \"\"quoted\"\"\n";
  const std::string bytes = "employee_id,name\n1,Ann\n2,\"" + inside + "end\"\n3,Carl\n";
  read_ok(bytes);
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(enum_name(sink.quarantined[0].reason), "record_too_long");
  EXPECT_EQ(sink.quarantined[0].line, 3u);
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"1", "Ann"}));
  EXPECT_EQ(sink.rows[1].fields, (strings{"3", "Carl"}));
}

TEST_F(hostile_source, CsvQuotedRecordLongerThanTheLimitThatNeverClosesRejectsTheFile) {
  // Skipping it swallowed the rest of the file, as an unterminated quote always does.
  std::string inside;
  while (inside.size() < 2 * mib)
    inside += "9,Fake row inside the quotes\n";
  EXPECT_EQ(read_error("employee_id,name\n1,Ann\n2,\"" + inside + "3,Carl\n"),
            "PATH: line 3: a quoted field begins here and is never closed");
}

TEST_F(hostile_source, CsvHeaderLongerThanTheLimitRejectsTheFile) {
  const std::string bytes = "employee_id,name," + std::string(2 * mib, 'h') + "\n1,Ann,x\n";
  EXPECT_EQ(read_error(bytes),
            "PATH: line 1: the header is longer than source.max_record_bytes (1048576 bytes)");
  EXPECT_EQ(sink.header_calls, 0);
}

TEST_F(hostile_source, NdjsonLineLongerThanTheLimitIsQuarantined) {
  options.type = core::source_type::json;
  const std::string bytes = "{\"employee_id\":\"1\"}\n{\"employee_id\":\"2\",\"name\":\"" +
                            std::string(2 * mib, 'x') + "\"}\n{\"employee_id\":\"3\"}\n";
  const auto s = read_ok(bytes, "export.ndjson");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(enum_name(sink.quarantined[0].reason), "record_too_long");
  EXPECT_EQ(sink.quarantined[0].line, 2u);
  EXPECT_EQ(sink.quarantined[0].detail, "line 2 is longer than source.max_record_bytes (1048576 bytes)");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[1].fields[0], "3");
  EXPECT_EQ(s.rows_read, 3u);
}

TEST_F(hostile_source, JsonArrayRecordLongerThanTheLimitIsQuarantined) {
  options.type = core::source_type::json;
  const std::string bytes = "[{\"employee_id\":\"1\"},{\"employee_id\":\"2\",\"name\":\"" +
                            std::string(2 * mib, 'x') + "\"},{\"employee_id\":\"3\"}]";
  read_ok(bytes, "export.json");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_EQ(enum_name(sink.quarantined[0].reason), "record_too_long");
  EXPECT_EQ(sink.quarantined[0].record, 2u);
  EXPECT_EQ(sink.quarantined[0].detail, "the record is longer than source.max_record_bytes (1048576 bytes)");
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[1].fields[0], "3");
}

// Writes `header`, then one line of `line_bytes` bytes of `fill`, then `tail`, without holding
// the long line in memory.
void write_long_line(const std::filesystem::path& p, const std::string& head, std::size_t line_bytes,
                     char fill, const std::string& tail) {
  std::ofstream out(p, std::ios::binary);
  out << head;
  const std::string block(mib, fill);
  for (std::size_t n = 0; n < line_bytes; n += block.size())
    out.write(block.data(), static_cast<std::streamsize>(std::min(block.size(), line_bytes - n)));
  out << tail;
}

// In a death-test child: limits the address space to `headroom` bytes beyond its current size
// and the time to `seconds`, runs `read`, and exits 0 when it returned true (1 otherwise, or
// killed by SIGALRM when it blocked).
[[noreturn]] void limited_run(std::size_t headroom, unsigned seconds, const std::function<bool()>& read) {
  ::alarm(seconds);
  long pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  const auto now = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
  rlimit lim{};
  lim.rlim_cur = lim.rlim_max = now + headroom;
#if defined(EIGHTSYNC_ADDRESS_SANITIZER)
  (void)lim;  // AddressSanitizer maps its own memory as it goes: under it, only the time limit applies
#else
  ::setrlimit(RLIMIT_AS, &lim);
#endif
  bool ok = false;
  try {
    ok = read();
  } catch (...) {
    ok = false;
  }
  std::_Exit(ok ? 0 : 1);
}

// Runs `read` in a child whose address space may grow by `headroom` bytes at most, and which is
// killed after `seconds`; the child exits 0 when `read` returns true.
void in_bounded_child(std::size_t headroom, unsigned seconds, const std::function<bool()>& read) {
  EXPECT_EXIT(limited_run(headroom, seconds, read), ::testing::ExitedWithCode(0), "");
}

TEST_F(hostile_source, MemoryStaysBoundedForA128MiBCsvLine) {
  options.path = dir.path() / "long.csv";
  write_long_line(options.path, "employee_id,name\n1,Ann\n2,", 128 * mib, 'x', "\n3,Carl\n");
  in_bounded_child(64 * mib, 60, [this] {
    recording_sink s;
    auto r = make_hr_source(options)->read(s);
    return r && s.rows.size() == 2 && s.quarantined.size() == 1;
  });
}

TEST_F(hostile_source, MemoryStaysBoundedForA128MiBNdjsonLine) {
  options.type = core::source_type::json;
  options.path = dir.path() / "long.ndjson";
  write_long_line(options.path, "{\"employee_id\":\"1\"}\n{\"employee_id\":\"2\",\"name\":\"", 128 * mib, 'x',
                  "\"}\n{\"employee_id\":\"3\"}\n");
  in_bounded_child(64 * mib, 60, [this] {
    recording_sink s;
    auto r = make_hr_source(options)->read(s);
    return r && s.rows.size() == 2 && s.quarantined.size() == 1;
  });
}

TEST_F(hostile_source, MemoryStaysBoundedForA128MiBJsonArrayRecord) {
  options.type = core::source_type::json;
  options.path = dir.path() / "long.json";
  write_long_line(options.path, "[{\"employee_id\":\"1\"},{\"employee_id\":\"2\",\"name\":\"", 128 * mib, 'x',
                  "\"},{\"employee_id\":\"3\"}]");
  in_bounded_child(64 * mib, 60, [this] {
    recording_sink s;
    auto r = make_hr_source(options)->read(s);
    return r && s.rows.size() == 2 && s.quarantined.size() == 1;
  });
}

// --- special files ------------------------------------------------------------------------------

TEST_F(hostile_source, FifoIsRefusedWithoutWaitingForAWriter) {
  options.path = dir.path() / "export.csv";
  ASSERT_EQ(::mkfifo(options.path.c_str(), 0600), 0);
  in_bounded_child(256 * mib, 10, [this] {
    recording_sink s;
    auto r = make_hr_source(options)->read(s);
    return !r && r.error().message == options.path.string() + ": is a FIFO (named pipe), not a regular file";
  });
}

TEST_F(hostile_source, DevZeroIsRefused) {
  options.path = "/dev/zero";
  for (const auto type : {core::source_type::csv, core::source_type::json}) {
    options.type = type;
    in_bounded_child(256 * mib, 10, [this] {
      recording_sink s;
      auto r = make_hr_source(options)->read(s);
      return !r && r.error().message == "/dev/zero: is a character device, not a regular file";
    });
  }
}

TEST_F(hostile_source, DirectoryIsRefused) {
  options.path = dir.path();
  auto r = make_hr_source(options)->read(sink);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, dir.path().string() + ": is a directory, not a regular file");
}

// --- headers ------------------------------------------------------------------------------------

TEST_F(hostile_source, HeaderOfAMillionEmptyNamesGivesABoundedError) {
  const std::string bytes = std::string(1000000, ',') + "\n1\n";
  const std::string e = read_error(bytes);
  EXPECT_LT(e.size(), 1024u) << e.substr(0, 2048);
  EXPECT_EQ(e,
            "PATH: line 1: the header has no key column \"employee_id\" (source.key); its columns are: "
            "(1000001 unnamed)");
}

TEST_F(hostile_source, HeaderWithManyLongNamesGivesABoundedError) {
  std::string header;
  for (int i = 0; i < 5000; ++i)
    header += (i ? "," : "") + std::string("column_with_a_long_name_number_") + std::to_string(i);
  const std::string e = read_error(header + "\n1\n");
  EXPECT_LT(e.size(), 1024u) << e.substr(0, 2048);
  EXPECT_EQ(
      e.rfind("PATH: line 1: the header has no key column \"employee_id\" (source.key); its columns are: "
              "column_with_a_long_name_number_0, column_with_a_long_name_number_1, ",
              0),
      0u)
      << e;
  EXPECT_NE(e.find(" more (5000 in all)"), std::string::npos) << e;
}

TEST_F(hostile_source, NulInTheHeaderIsShownEscaped) {
  const std::string bytes("employee_id\0,name\n1,Ann\n", 24);
  const std::string e = read_error(bytes);
  EXPECT_EQ(e.find('\0'), std::string::npos);
  EXPECT_EQ(e,
            "PATH: line 1: the header has no key column \"employee_id\" (source.key); its columns are: "
            "employee_id\\u0000, name; column 1 is \"employee_id\\u0000\", which holds invisible or control "
            "characters");
}

TEST_F(hostile_source, DoubleByteOrderMarkIsShownEscaped) {
  const std::string e = read_error(
      "\xEF\xBB\xBF\xEF\xBB\xBF"
      "employee_id,name\n1,Ann\n");
  EXPECT_EQ(e.find("\xEF\xBB\xBF"), std::string::npos);
  EXPECT_EQ(e,
            "PATH: line 1: the header has no key column \"employee_id\" (source.key); its columns are: "
            "\\uFEFFemployee_id, name; column 1 is \"\\uFEFFemployee_id\", which holds invisible or control "
            "characters");
}

TEST_F(hostile_source, DuplicateColumnNameIsShownEscaped) {
  const std::string e = read_error("employee_id,a\x1B[2J,a\x1B[2J\n1,x,y\n");
  EXPECT_EQ(e, "PATH: line 1: column \"a\\u001B[2J\" appears twice in the header (columns 2 and 3)");
}

// --- keys holding control, bidi or invisible characters --------------------------------------

TEST_F(hostile_source, CsvKeysWithControlOrBidiCharactersAreQuarantined) {
  const std::string bytes = std::string("employee_id,name\n") +
                            "A\x1B[2J,esc\n"  // ESC: clears the screen
                            "B\xE2\x80\xAE"
                            "cba,rlo\n"       // U+202E RIGHT-TO-LEFT OVERRIDE
                            "C\xC2\x85,c1\n"  // U+0085, a C1 control
                            "D\x7F,del\n"     // DEL
                            "E" +
                            std::string(1, '\0') +
                            "x,nul\n"
                            "F\xE2\x81\xA6,isolate\n"  // U+2066 LEFT-TO-RIGHT ISOLATE
                            "G\xEF\xBB\xBF,bom\n"      // U+FEFF, invisible
                            "J\xC3\xA9,ok\n";
  read_ok(bytes);
  std::vector<std::string> keys;
  for (const auto& q : sink.quarantined) {
    if (enum_name(q.reason) == "unsafe_key") keys.push_back(q.key);
  }
  EXPECT_EQ(keys, (strings{"A\x1B[2J",
                           "B\xE2\x80\xAE"
                           "cba",
                           "C\xC2\x85", "D\x7F", std::string("E\0x", 3), "F\xE2\x81\xA6", "G\xEF\xBB\xBF"}));
  ASSERT_FALSE(sink.quarantined.empty());
  EXPECT_EQ(sink.quarantined[0].detail,
            "the key \"A\\u001B[2J\" holds a control, bidi or invisible character (U+001B at byte 2); it "
            "would reach 8x8 as externalId and every terminal that shows it");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields, (strings{"J\xC3\xA9", "ok"}));
}

TEST_F(hostile_source, JsonKeyWithEscapeIsQuarantined) {
  options.type = core::source_type::json;
  read_ok(
      "{\"employee_id\":\"A\\u001b[2J\",\"name\":\"x\"}\n{\"employee_id\":\"B\\u202e\"}\n"
      "{\"employee_id\":\"C\"}\n",
      "export.ndjson");
  ASSERT_EQ(sink.quarantined.size(), 2u);
  EXPECT_EQ(enum_name(sink.quarantined[0].reason), "unsafe_key");
  EXPECT_EQ(sink.quarantined[0].key, "A\x1B[2J");
  EXPECT_EQ(enum_name(sink.quarantined[1].reason), "unsafe_key");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].fields[0], "C");
}

}  // namespace
}  // namespace eightsync::connectors::test
