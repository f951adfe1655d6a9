// The one translation unit that compiles Asio's SSL and Beast for all of eightsync (Asio itself
// is compiled once in core/asio_impl.cpp).
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
