// The one translation unit that compiles Asio, Asio's SSL and Beast for all of eightsync.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
