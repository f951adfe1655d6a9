// The one translation unit that compiles Asio for all of eightsync: the engine's coroutines
// (core), the SCIM client and Beast (connectors) and the daemon all use it.
#include <boost/asio/impl/src.hpp>
