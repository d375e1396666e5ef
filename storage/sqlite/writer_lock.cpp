// WriterLock: see writer_lock.hpp.
#include "storage/sqlite/writer_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "storage/sqlite/sqlite.hpp"

namespace crawler::storage {

WriterLock::WriterLock(const std::string& db_path) {
  std::string path = db_path + ".lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw sqlite_error("cannot open lock file '" + path + "': " + std::strerror(errno),
                       SQLITE_CANTOPEN);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {};
    ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
    ::close(fd_);
    fd_ = -1;
    std::string who =
        n > 0 ? " (pid " + std::string(holder, static_cast<std::size_t>(n)) + ")" : "";
    throw sqlite_error("database '" + db_path + "' is in use by another crawler" + who +
                           "; only one crawl may write to it at a time",
                       SQLITE_BUSY);
  }
  std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // The pid is only a courtesy for the message above.
  }
}

WriterLock::~WriterLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace crawler::storage
