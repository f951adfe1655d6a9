// account_of: which 8x8 account a target URL names, which a state database is bound to.
#include <gtest/gtest.h>

#include "core/target_account.hpp"

namespace eightsync::core {
namespace {

TEST(target_account, an_8x8_url_names_its_customer_whatever_the_host) {
  const auto cloud = account_of("https://platform-cloud.8x8.com/udi/customers/C0FFEE/scim/v2");
  const auto older = account_of("https://PLATFORM.8x8.com/udi/customers/C0FFEE/scim/v2/");
  EXPECT_EQ(cloud.customer_id, "C0FFEE");
  EXPECT_EQ(older.customer_id, "C0FFEE");
  EXPECT_EQ(cloud.binding(), "8x8-customer:C0FFEE");
  EXPECT_EQ(cloud.binding(), older.binding());
  EXPECT_EQ(older.url, "https://platform.8x8.com/udi/customers/C0FFEE/scim/v2");
  EXPECT_EQ(cloud.describe(), "8x8 customer C0FFEE");
}

TEST(target_account, the_fixed_path_matches_in_any_case_and_the_id_keeps_its_case) {
  EXPECT_EQ(account_of("https://h/UDI/Customers/AbC12/SCIM/V2").customer_id, "AbC12");
  EXPECT_NE(account_of("https://h/udi/customers/abc/scim/v2").binding(),
            account_of("https://h/udi/customers/ABC/scim/v2").binding());
}

TEST(target_account, any_other_url_names_itself) {
  for (const char* url : {"https://proxy.example.com/scim/v2", "https://h/udi/customers//scim/v2",
                          "https://h/udi/customers/X/scim/v2/Users", "https://h/udi/customers/X/scim",
                          "https://h/x/udi/customers/X/scim/v2", "https://h/udi/customers/X/scim/v2?a=b",
                          "https://h/udi/customers/X/scim/v1", "http://127.0.0.1:8443", "not a url"}) {
    const auto a = account_of(url);
    EXPECT_FALSE(a.customer_id) << url;
    EXPECT_EQ(a.binding(), "url:" + normalize_target_url(url)) << url;
    EXPECT_EQ(a.describe(), "target " + normalize_target_url(url)) << url;
  }
}

TEST(target_account, a_stored_binding_reads_back) {
  const auto customer = account_from_binding("8x8-customer:C0FFEE", "https://h/udi/customers/C0FFEE/scim/v2");
  ASSERT_TRUE(customer);
  EXPECT_EQ(customer->customer_id, "C0FFEE");
  EXPECT_EQ(customer->url, "https://h/udi/customers/C0FFEE/scim/v2");
  const auto url = account_from_binding("url:https://proxy/scim/v2", "https://proxy/scim/v2");
  ASSERT_TRUE(url);
  EXPECT_FALSE(url->customer_id);
  EXPECT_EQ(url->binding(), "url:https://proxy/scim/v2");
  EXPECT_FALSE(account_from_binding("", "https://h"));
  EXPECT_FALSE(account_from_binding("8x8-customer:", "https://h"));
  EXPECT_FALSE(account_from_binding("customer C0FFEE", "https://h"));
}

TEST(target_account, normalize_target_url) {
  EXPECT_EQ(normalize_target_url("HTTPS://Example.COM/Scim/V2/"), "https://example.com/Scim/V2");
  EXPECT_EQ(normalize_target_url("http://127.0.0.1:8443/scim/v2"), "http://127.0.0.1:8443/scim/v2");
  EXPECT_EQ(normalize_target_url("https://HOST:443"), "https://host:443");
  EXPECT_EQ(normalize_target_url("https://host///"), "https://host");
  EXPECT_EQ(normalize_target_url("https://User@HOST/p"), "https://User@host/p");
  EXPECT_EQ(normalize_target_url("https://[::1]:8443/x/"), "https://[::1]:8443/x");
  EXPECT_EQ(normalize_target_url("not a url/"), "not a url");
}

}  // namespace
}  // namespace eightsync::core
