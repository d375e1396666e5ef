// UvHandle<T>: sole owner of one heap-allocated, initialised libuv handle.
// libuv may touch a handle until its close callback has run, so the memory
// is freed there and never in the destructor. close() is the one close path;
// the loop must run afterwards for the memory to be released.
#pragma once

#include <uv.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace crawler::async {

template <typename T>
class UvHandle {
 public:
  UvHandle() = default;
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;
  UvHandle(UvHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  UvHandle& operator=(UvHandle&& other) noexcept {
    if (this != &other) {
      close();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  ~UvHandle() { close(); }

  /// Allocates a handle and runs `init` on it (e.g. uv_timer_init); throws if it fails.
  template <typename Init>
  static UvHandle open(Init&& init) {
    T* handle = new T{};
    if (int rc = init(handle); rc != 0) {
      delete handle;  // never initialised, so never known to the loop
      throw std::runtime_error(std::string("libuv handle init: ") + uv_strerror(rc));
    }
    UvHandle owner;
    owner.handle_ = handle;
    return owner;
  }

  T* get() const { return handle_; }
  uv_handle_t* base() const { return reinterpret_cast<uv_handle_t*>(handle_); }
  explicit operator bool() const { return handle_ != nullptr; }

  /// Closes the handle; its memory is freed in the close callback.
  void close() {
    if (!handle_) return;
    if (!uv_is_closing(base()))
      uv_close(base(), [](uv_handle_t* h) { delete reinterpret_cast<T*>(h); });
    handle_ = nullptr;
  }

 private:
  T* handle_ = nullptr;
};

}  // namespace crawler::async
