#include "tls_files.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace eightsync::client_test {

namespace fs = std::filesystem;

namespace {

void run(const fs::path& dir, const std::string& command) {
  const auto out = dir / "openssl.out";
  const std::string full = "cd '" + dir.string() + "' && " + command + " > '" + out.string() + "' 2>&1";
  if (std::system(full.c_str()) != 0) {
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    throw std::runtime_error("openssl failed: " + command + "\n" + text.str());
  }
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

// A server certificate for `san`, signed by the CA.
void signed_cert(const fs::path& dir, const std::string& name, const std::string& cn,
                 const std::string& san) {
  write(dir / (name + ".ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=" +
            san + "\n");
  run(dir, "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name +
               ".key -out " + name + ".csr -subj '/CN=" + cn + "'");
  run(dir, "openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out " +
               name + ".pem -extfile " + name + ".ext");
}

}  // namespace

tls_files::tls_files() {
  std::string tmpl = (fs::temp_directory_path() / "eightsync-tls-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir = tmpl;
  run(dir,
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem "
      "-days 2 -subj '/CN=eightsync test CA' -addext 'basicConstraints=critical,CA:TRUE' "
      "-addext 'keyUsage=critical,keyCertSign,cRLSign'");
  signed_cert(dir, "good", "localhost", "IP:127.0.0.1,DNS:localhost");
  signed_cert(dir, "wrong", "wrong.example", "DNS:wrong.example");
  run(dir,
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout self.key -out "
      "self.pem "
      "-days 2 -subj '/CN=localhost' -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost'");
  ca = (dir / "ca.pem").string();
  good_cert = (dir / "good.pem").string();
  good_key = (dir / "good.key").string();
  wrong_cert = (dir / "wrong.pem").string();
  wrong_key = (dir / "wrong.key").string();
  self_cert = (dir / "self.pem").string();
  self_key = (dir / "self.key").string();
}

tls_files::~tls_files() {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace eightsync::client_test
