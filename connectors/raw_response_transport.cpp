#include "connectors/raw_response_transport.hpp"

#include <chrono>
#include <deque>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "connectors/http_stream_exchange.hpp"

namespace eightsync::connectors {

namespace net = boost::asio;
namespace beast = boost::beast;

namespace {

// One scripted step: what the server does with the next request.
struct step {
  enum class kind { answer, answer_then_close, refuse };
  kind what = kind::answer;
  std::string bytes;                // the raw answer (answer, answer_then_close)
  boost::system::error_code error;  // why the connection failed (refuse)
};

// The client's end of the test stream as the exchange sees it: a read that would wait for bytes
// the server never sends fails at once with the timeout a real connection's deadline would
// bring. Nothing else can arrive (the whole answer is in place before the request is written),
// so this is exactly a server that went silent, and no test or fuzz input can hang.
class scripted_stream {
 public:
  using executor_type = beast::test::stream::executor_type;

  scripted_stream(beast::test::stream& stream, bool peer_closed) noexcept
      : stream_(stream), peer_closed_(peer_closed) {}

  executor_type get_executor() noexcept { return stream_.get_executor(); }

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return net::async_initiate<ReadHandler, void(boost::system::error_code, std::size_t)>(
        [this](auto h, const MutableBufferSequence& b) {
          if (stream_.buffer().size() == 0 && !peer_closed_ && net::buffer_size(b) > 0) {
            net::post(stream_.get_executor(),
                      beast::bind_front_handler(std::move(h), beast::error::timeout, std::size_t{0}));
          } else {
            stream_.async_read_some(b, std::move(h));
          }
        },
        handler, buffers);
  }

  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return stream_.async_write_some(buffers, std::forward<WriteHandler>(handler));
  }

 private:
  beast::test::stream& stream_;
  bool peer_closed_;
};

}  // namespace

struct raw_response_transport::impl {
  impl(net::any_io_executor executor, http_connection_options o)
      : ex_(std::move(executor)),
        opts_(std::move(o)),
        host_header_(http_authority(opts_.host, opts_.port, true, opts_.tls)) {}

  bool is_open() const noexcept { return client_.has_value(); }

  // As http_connection::impl::close: the read buffer keeps its capacity for the next connection.
  void close() noexcept {
    client_.reset();
    server_.reset();
    buffer_.clear();
    peer_closed_ = false;
  }

  void open() {
    client_.emplace(ex_);
    server_.emplace(ex_);
    client_->connect(*server_);
    if (read_size_ > 0) client_->read_size(read_size_);
    ++opened_;
  }

  // What http_connection learns with a MSG_PEEK before reusing a connection: bytes left over
  // (ours or still in the stream) or a peer that closed mean the server is done with it.
  bool idle_connection_usable() noexcept {
    return buffer_.size() == 0 && !peer_closed_ && client_->buffer().size() == 0;
  }

  // A failure before anything is written, as a refused connection is on a real one.
  void refused(http_exchange& ex, boost::system::error_code ec, std::string_view why) {
    close();
    ex.stage = http_stage::connect;
    std::string what = "connecting to " + http_authority(opts_.host, opts_.port, false, false);
    what += why;
    record_http_failure(ex, ec, std::move(what), opts_.timeout);
  }

  net::any_io_executor ex_;
  http_connection_options opts_;
  std::string host_header_;
  std::deque<step> script_;
  std::vector<raw_request> requests_;
  // client_ is the connection the exchange runs on; server_ is its peer, whose input area
  // collects the request bytes the client writes.
  std::optional<beast::test::stream> client_;
  std::optional<beast::test::stream> server_;
  beast::flat_buffer buffer_;
  bool peer_closed_ = false;
  bool busy_ = false;
  std::size_t read_size_ = 0;
  std::size_t opened_ = 0;
  std::size_t unscripted_ = 0;
};

raw_response_transport::raw_response_transport(net::any_io_executor executor, http_connection_options options)
    : impl_(std::make_unique<impl>(std::move(executor), std::move(options))) {}

raw_response_transport::~raw_response_transport() = default;

void raw_response_transport::answer(std::string bytes) {
  impl_->script_.push_back(step{step::kind::answer, std::move(bytes), {}});
}

void raw_response_transport::answer_then_close(std::string bytes) {
  impl_->script_.push_back(step{step::kind::answer_then_close, std::move(bytes), {}});
}

void raw_response_transport::refuse(boost::system::error_code error) {
  impl_->script_.push_back(step{step::kind::refuse, {}, error});
}

void raw_response_transport::refuse() {
  refuse(net::error::connection_refused);
}

void raw_response_transport::read_size(std::size_t n) noexcept {
  impl_->read_size_ = n;
  // A test stream's default is no limit at all.
  if (impl_->client_) impl_->client_->read_size(n > 0 ? n : std::numeric_limits<std::size_t>::max());
}

const std::vector<raw_request>& raw_response_transport::requests() const noexcept {
  return impl_->requests_;
}

std::size_t raw_response_transport::steps_left() const noexcept {
  return impl_->script_.size();
}

std::size_t raw_response_transport::unscripted() const noexcept {
  return impl_->unscripted_;
}

std::size_t raw_response_transport::connections_opened() const noexcept {
  return impl_->opened_;
}

net::awaitable<http_exchange> raw_response_transport::send(std::string method, std::string target,
                                                           std::string body) {
  auto& d = *impl_;
  const one_call_at_a_time guard(d.busy_, "raw_response_transport");

  http_exchange ex;
  const auto started = std::chrono::steady_clock::now();
  if (d.script_.empty()) {
    ++d.unscripted_;
    d.refused(ex, net::error::connection_refused, " (no answer scripted)");
    ex.latency = std::chrono::steady_clock::now() - started;
    co_return ex;
  }
  step s = std::move(d.script_.front());
  d.script_.pop_front();
  if (s.what == step::kind::refuse) {
    d.refused(ex, s.error, "");
    ex.latency = std::chrono::steady_clock::now() - started;
    co_return ex;
  }

  if (d.is_open() && !d.idle_connection_usable()) d.close();
  ex.reused = d.is_open();
  if (!ex.reused) d.open();

  auto req = make_http_request(method, target, std::move(body), d.host_header_, d.opts_);
  // The answer is in place before the request is written: the test stream hands it to the
  // reads that follow, then (when scripted) end of stream, as a server that answered and closed.
  d.client_->append(s.bytes);
  if (s.what == step::kind::answer_then_close) {
    d.client_->close_remote();
    d.peer_closed_ = true;
  }
  // A test stream has no timer: there is no deadline to arm (scripted_stream stands for it).
  scripted_stream stream(*d.client_, d.peer_closed_);
  const auto end = co_await exchange_over_stream(
      stream, d.buffer_, req, d.opts_.body_limit, [] {}, ex);
  if (const auto written = d.server_->str(); !written.empty()) {
    d.requests_.push_back(raw_request{std::string(written), d.opened_});
    d.server_->clear();
  }
  if (end.error) {
    record_http_failure(ex, end.error, std::string(end.failed_while), d.opts_.timeout);
    d.close();
  } else if (!end.keep_alive) {
    d.close();
  }
  ex.latency = std::chrono::steady_clock::now() - started;
  co_return ex;
}

net::awaitable<void> raw_response_transport::shutdown() {
  impl_->close();
  co_return;
}

}  // namespace eightsync::connectors
