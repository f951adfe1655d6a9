// Text from the HR export is bounded where it enters a message: a header of a million empty
// column names gives a 4 KB error, not an 11 MB one printed and stored on every cycle (issue 13,
// finding 7).
#include <gtest/gtest.h>

#include <string>

#include "source_test_support.hpp"

namespace eightsync::connectors::test {
namespace {

class bounded_messages : public source_test {};

TEST_F(bounded_messages, a_header_of_a_million_empty_names_gives_a_bounded_error) {
  const std::string header(1'000'000, ',');  // 1,000,001 unnamed columns: "(unnamed), " each
  const auto msg = read_error(header + "\n1\n");
  EXPECT_LT(msg.size(), 4096u + 200u) << msg.substr(0, 300);
  // The unnamed columns are counted, not listed.
  EXPECT_EQ(msg,
            "PATH: line 1: the header has no key column \"employee_id\" (source.key); its columns are: "
            "(1000001 unnamed)");
}

TEST_F(bounded_messages, a_quarantine_detail_naming_a_huge_column_is_bounded) {
  const std::string name(100'000, 'n');
  read_ok("employee_id," + name + "\n1,Ann\n2,\xE9\n");
  ASSERT_EQ(sink.quarantined.size(), 1u);
  EXPECT_LE(sink.quarantined[0].detail.size(), 4096u + 32u);
  EXPECT_LT(sink.quarantined[0].detail.size(), name.size() / 10) << "the column's name is not repeated whole";
}

}  // namespace
}  // namespace eightsync::connectors::test
