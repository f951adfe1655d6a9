// make_hr_source: the one factory picks the source class for source.type, and each file source
// says where it reads from, that it can be watched, and what size to expect.
#include "connectors/hr_sources.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "unit/connectors/source_test_support.hpp"

namespace eightsync::connectors::test {
namespace {

TEST(hr_sources, the_factory_picks_the_class_for_source_type) {
  core::source_options o;
  o.path = "/srv/hr/export.csv";
  o.type = core::source_type::csv;
  EXPECT_NE(dynamic_cast<csv_file_source*>(make_hr_source(o).get()), nullptr);
  o.type = core::source_type::json;
  EXPECT_NE(dynamic_cast<json_file_source*>(make_hr_source(o).get()), nullptr);
}

TEST(hr_sources, a_file_source_names_its_path_and_can_be_watched) {
  scratch_dir dir;
  core::source_options o;
  o.key = "employee_id";
  o.min_rows = 0;
  o.path = dir.write("export.csv", "employee_id,name\n1,Ada\n");
  const auto csv = make_hr_source(o);
  EXPECT_EQ(csv->origin(), o.path.string());
  EXPECT_EQ(csv->watched_file(), o.path);
  // CSV: the file's size sizes the mapper; JSON repeats field names, so it offers no guess.
  EXPECT_EQ(csv->expected_bytes(), std::filesystem::file_size(o.path));
  o.type = core::source_type::json;
  EXPECT_EQ(make_hr_source(o)->expected_bytes(), 0U);
  // A missing file: no size, and the read (not the guess) reports it.
  o.type = core::source_type::csv;
  o.path = dir.path() / "missing.csv";
  EXPECT_EQ(make_hr_source(o)->expected_bytes(), 0U);
}

TEST(hr_sources, the_summary_names_the_origin) {
  scratch_dir dir;
  core::source_options o;
  o.key = "employee_id";
  o.min_rows = 0;
  o.path = dir.write("export.csv", "employee_id,name\n1,Ada\n2,Alan\n");
  recording_sink sink;
  const auto r = make_hr_source(o)->read(sink);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->origin, o.path.string());
  EXPECT_EQ(r->rows_read, 2U);
  EXPECT_EQ(sink.rows.size(), 2U);
}

}  // namespace
}  // namespace eightsync::connectors::test
