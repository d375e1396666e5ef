// StorageError: a storage operation failed. It carries the engine's own
// message (naming the file or server) and what the caller can do about it;
// callers at a boundary (a command, the writer) turn it into a value.
#pragma once

#include <stdexcept>
#include <string>

namespace crawler::storage {

enum class Failure {
  kOperation,   // this operation failed (a bad record, a constraint): others may succeed
  kBadRequest,  // the caller's input is wrong (a search query, SQL): say so, change nothing
  kBusy,        // the database is held or out of reach for now: nothing done, try again
  kFatal,       // the store cannot be written (disk full, I/O error, read-only, corrupt)
};

class StorageError : public std::runtime_error {
 public:
  StorageError(const std::string& message, Failure failure)
      : std::runtime_error(message), failure_(failure) {}
  Failure failure() const { return failure_; }

 private:
  Failure failure_;
};

}  // namespace crawler::storage
