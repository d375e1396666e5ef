// WriterLock: one writing crawler per database. An exclusive, non-blocking
// flock on "<database>.lock", held for the lock's lifetime; the kernel drops
// it when the process dies, even by SIGKILL, so a crash never leaves a stale
// lock behind. Readers (crawler query, sqlite3) do not take it.
#pragma once

#include <string>

namespace crawler::storage {

class WriterLock {
 public:
  /// Takes the lock for the database at `db_path`; throws StorageError
  /// naming the file (and the holder's pid, when known) if another process has it.
  explicit WriterLock(const std::string& db_path);
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  ~WriterLock();

 private:
  int fd_ = -1;
};

}  // namespace crawler::storage
