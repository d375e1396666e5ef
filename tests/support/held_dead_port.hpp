// HeldDeadPort: a loopback TCP port where nothing listens, for as long as the
// object lives. The socket is bound and never listens, so a connection to it
// is refused, and no other process can take the port meanwhile (a port
// learnt by binding port 0 and closing the socket can be taken by anyone
// before the test uses it).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace crawler::testing {

class HeldDeadPort {
 public:
  /// Binds a socket to 127.0.0.1, port 0; throws std::runtime_error if it cannot.
  HeldDeadPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      if (fd_ >= 0) ::close(fd_);
      throw std::runtime_error("cannot hold a loopback port");
    }
    port_ = ntohs(address.sin_port);
  }
  HeldDeadPort(const HeldDeadPort&) = delete;
  HeldDeadPort& operator=(const HeldDeadPort&) = delete;
  ~HeldDeadPort() { ::close(fd_); }

  int port() const { return port_; }
  /// "http://127.0.0.1:PORT".
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

}  // namespace crawler::testing
