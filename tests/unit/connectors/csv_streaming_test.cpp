// Exports larger than one read chunk: records, quoted fields and CRLF line ends that straddle
// the reader's 256 KiB chunk boundaries must come out whole, with the right line numbers.
#include <gtest/gtest.h>

#include <string>

#include "connectors/text_chunk_reader.hpp"
#include "source_test_support.hpp"

namespace eightsync::connectors::test {
namespace {

constexpr std::size_t chunk = text_chunk_reader::chunk_size;

std::string plain_row(std::size_t id, const std::string& eol) {
  return std::to_string(id) + ",Name " + std::to_string(id) + ",person" + std::to_string(id) +
         "@example.com,Department of Examples and Tests" + eol;
}

class csv_streaming : public source_test {};

TEST_F(csv_streaming, StreamsMoreThanOneMebibyteAcrossChunkBoundaries) {
  std::string text = "employee_id,name,email,dept\n";
  std::size_t id = 0;
  std::size_t line = 1;
  std::size_t straddle_id = 0;
  std::size_t straddle_line = 0;
  while (text.size() < 1'200'000) {
    ++id;
    ++line;
    if (straddle_id == 0 && text.size() > chunk - 100) {
      // A quoted field with a newline, starting before the first boundary and ending after it.
      straddle_id = id;
      straddle_line = line;
      text += std::to_string(id) + ",\"" + std::string(150, 'A') + "\n" + std::string(50, 'B') +
              "\",x@example.com,Dept\n";
      ++line;  // the quoted newline
      ASSERT_LT(text.size() - 230, chunk);
      ASSERT_GT(text.size(), chunk);
      continue;
    }
    text += plain_row(id, "\n");
  }
  const auto s = read_ok(text);
  EXPECT_EQ(s.bytes, text.size());
  EXPECT_EQ(s.rows_read, id);
  ASSERT_EQ(sink.rows.size(), id);
  EXPECT_TRUE(sink.quarantined.empty());

  const auto& straddling = sink.rows[straddle_id - 1];
  EXPECT_EQ(straddling.fields[0], std::to_string(straddle_id));
  EXPECT_EQ(straddling.fields[1], std::string(150, 'A') + "\n" + std::string(50, 'B'));
  EXPECT_EQ(straddling.line, straddle_line);
  EXPECT_EQ(sink.rows[straddle_id].line, straddle_line + 2);

  const auto& last = sink.rows.back();
  EXPECT_EQ(last.fields[0], std::to_string(id));
  EXPECT_EQ(last.fields[2], "person" + std::to_string(id) + "@example.com");
  EXPECT_EQ(last.line, line);
  EXPECT_EQ(last.record, id);
}

TEST_F(csv_streaming, CrlfSplitByChunkBoundaryCountsAsOneLineEnd) {
  std::string text = "employee_id,name,email,dept\r\n";
  std::size_t id = 0;
  while (text.size() + 200 < chunk) {
    text += plain_row(++id, "\r\n");
  }
  // Pad one row so that its CR is the last byte of the first chunk and its LF the first of
  // the next.
  const std::string head = std::to_string(++id) + ",";
  const std::string tail = ",pad@example.com,Dept\r\n";
  const std::size_t pad = chunk + 1 - text.size() - head.size() - tail.size();
  text += head + std::string(pad, 'P') + tail;
  ASSERT_EQ(text[chunk - 1], '\r');
  ASSERT_EQ(text[chunk], '\n');
  const std::size_t boundary_id = id;
  for (int i = 0; i < 10; ++i) {
    text += plain_row(++id, "\r\n");
  }
  read_ok(text);
  ASSERT_EQ(sink.rows.size(), id);
  EXPECT_TRUE(sink.quarantined.empty());
  EXPECT_EQ(sink.rows[boundary_id - 1].fields[1], std::string(pad, 'P'));
  EXPECT_EQ(sink.rows[boundary_id - 1].fields[3], "Dept");
  EXPECT_EQ(sink.rows[boundary_id].fields[0], std::to_string(boundary_id + 1));
  EXPECT_EQ(sink.rows[boundary_id].line, boundary_id + 2);
  EXPECT_EQ(sink.rows.back().line, id + 1);
}

TEST_F(csv_streaming, CrOnlyLineEndAtChunkBoundary) {
  std::string text = "employee_id,name,email,dept\r";
  std::size_t id = 0;
  while (text.size() + 200 < chunk) {
    text += plain_row(++id, "\r");
  }
  const std::string head = std::to_string(++id) + ",";
  const std::string tail = ",pad@example.com,Dept\r";
  text += head + std::string(chunk - text.size() - head.size() - tail.size(), 'P') + tail;
  ASSERT_EQ(text[chunk - 1], '\r');
  text += plain_row(++id, "\r");
  read_ok(text);
  ASSERT_EQ(sink.rows.size(), id);
  EXPECT_EQ(sink.rows.back().fields[0], std::to_string(id));
  EXPECT_EQ(sink.rows.back().line, id + 1);
}

TEST_F(csv_streaming, Utf8CharacterCutByChunkBoundaryIsRejoined) {
  std::string text = "employee_id,name\n";
  std::size_t id = 0;
  while (text.size() + 100 < chunk) {
    text += std::to_string(++id) + ",Name\n";
  }
  // Put the two bytes of "é" on either side of the boundary.
  const std::string head = std::to_string(++id) + ",";
  text += head + std::string(chunk - 1 - text.size() - head.size(), 'x') + "\xC3\xA9\n";
  ASSERT_EQ(text[chunk - 1], '\xC3');
  text += std::to_string(++id) + ",last\n";
  read_ok(text);
  EXPECT_TRUE(sink.quarantined.empty());
  ASSERT_EQ(sink.rows.size(), id);
  EXPECT_TRUE(sink.rows[id - 2].fields[1].ends_with("x\xC3\xA9"));
  EXPECT_EQ(sink.rows.back().fields[1], "last");
}

TEST_F(csv_streaming, Cp1252ConversionAcrossChunkBoundary) {
  options.encoding = core::source_encoding::cp1252;
  std::string text = "employee_id,name\n";
  std::size_t id = 0;
  while (text.size() < 2 * chunk) {
    text += std::to_string(++id) + ",Ren\xE9 \x80\n";
  }
  read_ok(text);
  ASSERT_EQ(sink.rows.size(), id);
  EXPECT_TRUE(sink.quarantined.empty());
  for (const auto& row : sink.rows) {
    ASSERT_EQ(row.fields[1], "Ren\xC3\xA9 \xE2\x82\xAC") << "line " << row.line;
  }
}

}  // namespace
}  // namespace eightsync::connectors::test
