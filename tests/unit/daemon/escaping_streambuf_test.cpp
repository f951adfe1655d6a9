// Every CLI command writes through escaping_streambuf (issue 13, finding 12): whatever message
// quotes HR or 8x8 text, no control or bidi character reaches the terminal raw, and JSON output
// keeps its meaning.
#include "daemon/escaping_streambuf.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <ostream>
#include <sstream>

namespace eightsync::daemon {
namespace {

std::string through_filter(const std::function<void(std::ostream&)>& write) {
  std::ostringstream target;
  {
    escaping_streambuf buf(target.rdbuf());
    std::ostream out(&buf);
    write(out);
    out.flush();
  }
  return target.str();
}

TEST(escaping_streambuf, escapes_what_a_terminal_acts_on_and_keeps_line_feeds) {
  const std::string got = through_filter([](std::ostream& out) {
    out << "user evil\x1B[2J\r@example.com\n"
        << 'x' << '\x07' << "\n"
        << "rlo \xE2\x80\xAE"
           "cba, Zoë, €\n";
  });
  EXPECT_EQ(got, "user evil\\u001B[2J\\r@example.com\nx\\u0007\nrlo \\u202Ecba, Zoë, €\n");
}

TEST(escaping_streambuf, a_character_cut_between_writes_is_kept_whole) {
  const std::string got = through_filter([](std::ostream& out) {
    out << "Zo\xC3";
    out.flush();
    out << "\xAB \xE2\x80";
    out << "\xAE"
           "!\xE2\x82";
    out << "\xAC"
           "\n";
  });
  EXPECT_EQ(got, "Zoë \\u202E!€\n");
}

TEST(escaping_streambuf, an_incomplete_character_at_the_end_is_escaped) {
  EXPECT_EQ(through_filter([](std::ostream& out) { out << "end\xE2\x80"; }), "end\\xE2\\x80");
}

TEST(escaping_streambuf, json_stays_valid_and_means_the_same) {
  boost::json::value doc = {{"userName",
                             "a\xC2\x85"
                             "b\xE2\x80\xAE"
                             "c\x7F"
                             "d\x1B"},
                            {"n", 1}};
  const std::string raw = boost::json::serialize(doc);
  const std::string got = through_filter([&](std::ostream& out) { out << raw << '\n'; });
  EXPECT_EQ(got.find("\xE2\x80\xAE"), std::string::npos);
  EXPECT_EQ(got.find('\x7F'), std::string::npos);
  EXPECT_EQ(boost::json::parse(got), doc) << got;
}

}  // namespace
}  // namespace eightsync::daemon
