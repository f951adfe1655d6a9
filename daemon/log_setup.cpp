#include "daemon/log_setup.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "daemon/redacting_sink.hpp"

namespace eightsync::daemon {
namespace {

// `<N>`: the syslog priority of the message's level, which journald reads from the line start.
class syslog_priority_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    int p = 6;  // info
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        p = 7;
        break;
      case spdlog::level::info:
        p = 6;
        break;
      case spdlog::level::warn:
        p = 4;
        break;
      case spdlog::level::err:
        p = 3;
        break;
      case spdlog::level::critical:
        p = 2;
        break;
      default:
        break;
    }
    const char text[] = {'<', static_cast<char>('0' + p), '>'};
    dest.append(text, text + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<syslog_priority_flag>();
  }
};

// The message, escaped for a JSON string.
class json_message_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    for (const char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\r':
          dest.append(std::string_view("\\r"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            dest.append(std::string_view(buf));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_message_flag>();
  }
};

spdlog::level::level_enum level_of(config::log_level l) {
  switch (l) {
    case config::log_level::trace:
      return spdlog::level::trace;
    case config::log_level::debug:
      return spdlog::level::debug;
    case config::log_level::info:
      return spdlog::level::info;
    case config::log_level::warn:
      return spdlog::level::warn;
    case config::log_level::error:
      return spdlog::level::err;
    case config::log_level::critical:
      return spdlog::level::critical;
    case config::log_level::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

}  // namespace

std::shared_ptr<spdlog::logger> make_cli_logger(std::ostream& err, bool verbose) {
  auto logger = std::make_shared<spdlog::logger>(
      "eightsync", redacted(std::make_shared<spdlog::sinks::ostream_sink_mt>(err)));
  logger->set_pattern("%n: %l: %v");
  logger->set_level(verbose ? spdlog::level::info : spdlog::level::warn);
  return logger;
}

bool stderr_is_journal() noexcept {
  const char* js = std::getenv("JOURNAL_STREAM");
  if (js == nullptr || *js == '\0') return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(js, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

std::shared_ptr<spdlog::logger> make_daemon_logger(const config::log_config& log) {
  auto sink = redacted(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto logger = std::make_shared<spdlog::logger>("eightsync", sink);
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (stderr_is_journal()) {
    formatter->add_flag<syslog_priority_flag>('*').set_pattern("%*%v");
  } else if (log.format == config::log_format::json) {
    formatter->add_flag<json_message_flag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","msg":"%*"})");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %n: %v");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(level_of(log.level));
  logger->flush_on(spdlog::level::trace);
  return logger;
}

}  // namespace eightsync::daemon
