// CurlMulti: see curl_multi.hpp. The pitfalls avoided here are listed in
// shared/STYLE.md ("The curl <-> libuv bridge").
#include "crawler/async/curl_multi.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace crawler::async {

namespace {
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};
}  // namespace

CurlMulti::CurlMulti(uv_loop_t* loop, long max_connections, std::size_t tls_sessions)
    : loop_(loop),
      max_connections_(max_connections),
      tls_sessions_(tls_sessions),
      timer_(UvHandle<uv_timer_t>::open([loop](uv_timer_t* t) { return uv_timer_init(loop, t); })) {
  static CurlGlobal global;
  multi_ = curl_multi_init();
  share_ = curl_share_init();
  if (!multi_ || !share_) throw std::runtime_error("curl_multi_init failed");
  // One loop thread uses the share, so it needs no lock callbacks.
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  timer_.get()->data = this;
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  // NOTE: left at 0, curl sizes the cache at 4 x the easy handles still added;
  // as transfers finish that shrinks, and every connection handed back then
  // triggers a scan of the whole cache for the oldest: quadratic at 10,000
  // connections. A fixed size keeps returns O(1) until the cache is full.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, max_connections);
}

CurlMulti::~CurlMulti() {
  shutdown();
}

CurlMulti::Transfer::~Transfer() {
  if (multi_ && multi_->transfers_.contains(this)) {
    std::fputs("crawler: fatal: a transfer's frame was destroyed while libcurl still used it\n",
               stderr);
    std::abort();
  }
}

bool CurlMulti::Transfer::await_suspend(std::coroutine_handle<> waiter) {
  // Started by a waiter that cancel_all is resuming, or after shutdown: it
  // is cancelled as it starts, or it would outlive the cancellation.
  if (multi_->cancelling_ > 0 || multi_->multi_ == nullptr) {
    result_ = CURLE_ABORTED_BY_CALLBACK;
    return false;
  }
  waiter_ = waiter;
  curl_easy_setopt(easy_, CURLOPT_PRIVATE, this);
  if (surplus_) curl_easy_setopt(easy_, CURLOPT_FORBID_REUSE, 1L);
  // NOTE(curl#19462): adding a handle arms the timer through on_timer, which
  // starts the transfer on the next loop turn; no kick is needed here.
  if (CURLMcode rc = curl_multi_add_handle(multi_->multi_, easy_); rc != CURLM_OK) {
    result_ = CURLE_FAILED_INIT;
    return false;
  }
  multi_->transfers_.insert(this);
  if (surplus_) multi_->count_surplus(1);
  return true;
}

int CurlMulti::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) noexcept {
  try {
    auto* multi = static_cast<CurlMulti*>(self);
    if (what == CURL_POLL_REMOVE) {
      multi->unwatch(fd);
    } else {
      multi->watch(fd, what);
    }
    return 0;
  } catch (...) {
    return -1;
  }
}

void CurlMulti::watch(curl_socket_t fd, int what) {
  auto [it, added] = polls_.try_emplace(fd, nullptr);
  if (added) {
    try {
      auto poll = UvHandle<uv_poll_t>::open(
          [&](uv_poll_t* p) { return uv_poll_init_socket(loop_, p, fd); });
      it->second = new PollSlot{this, fd, std::move(poll)};
      it->second->poll.get()->data = it->second;
    } catch (...) {
      polls_.erase(it);
      throw;
    }
  }
  int events = 0;
  if (what != CURL_POLL_IN) events |= UV_WRITABLE;
  if (what != CURL_POLL_OUT) events |= UV_READABLE;
  uv_poll_start(it->second->poll.get(), events, &CurlMulti::on_poll);
}

void CurlMulti::unwatch(curl_socket_t fd) {
  // NOTE(curl#3597, curl#16026): curl may send REMOVE for a socket it never
  // announced, or twice; an unknown fd is not an error.
  auto it = polls_.find(fd);
  if (it == polls_.end()) return;
  PollSlot* slot = it->second;
  polls_.erase(it);
  uv_poll_stop(slot->poll.get());
  delete slot;  // closes the poll handle; libuv frees it in the close callback
}

int CurlMulti::on_timer(CURLM*, long timeout_ms, void* self) noexcept {
  auto* multi = static_cast<CurlMulti*>(self);
  if (timeout_ms < 0) {
    uv_timer_stop(multi->timer_.get());
  } else {
    // NOTE(curl#17144): 0 means "as soon as possible"; the next loop turn is that.
    uv_timer_start(multi->timer_.get(), &CurlMulti::on_timeout,
                   static_cast<std::uint64_t>(timeout_ms), 0);
  }
  return 0;
}

void CurlMulti::on_timeout(uv_timer_t* timer) noexcept {
  static_cast<CurlMulti*>(timer->data)->socket_action(CURL_SOCKET_TIMEOUT, 0);
}

void CurlMulti::on_poll(uv_poll_t* poll, int status, int events) noexcept {
  auto* slot = static_cast<PollSlot*>(poll->data);
  int flags = 0;
  if (status < 0) {
    flags = CURL_CSELECT_ERR;
  } else {
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  }
  slot->owner->socket_action(slot->fd, flags);
}

void CurlMulti::socket_action(curl_socket_t fd, int flags) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, flags, &running);

  // Drain on every path (the timer path too: a last transfer that ends by
  // timing out is reported here). Remove first, resume after: a resumed
  // coroutine may start new transfers or even destroy this bridge.
  std::vector<std::pair<Transfer*, CURLcode>> done;
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Transfer* transfer = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &transfer);
    CURLcode result = msg->data.result;
    curl_multi_remove_handle(multi_, msg->easy_handle);
    transfers_.erase(transfer);
    if (transfer->surplus_) count_surplus(-1);
    done.emplace_back(transfer, result);
  }
  for (auto [transfer, result] : done) {
    transfer->result_ = result;
    transfer->waiter_.resume();
  }
}

void CurlMulti::cancel_all() {
  std::vector<Transfer*> cancelled(transfers_.begin(), transfers_.end());
  for (Transfer* transfer : cancelled) {
    curl_multi_remove_handle(multi_, transfer->easy_);
    if (transfer->surplus_) count_surplus(-1);
  }
  transfers_.clear();
  ++cancelling_;
  for (Transfer* transfer : cancelled) {
    transfer->result_ = CURLE_ABORTED_BY_CALLBACK;
    transfer->waiter_.resume();
  }
  --cancelling_;
}

void CurlMulti::count_surplus(int change) {
  surplus_ += change;
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, max_connections_ + surplus_);
}

void CurlMulti::shutdown() {
  if (!multi_) return;
  cancel_all();
  // curl_multi_cleanup still calls on_socket with REMOVE for open sockets.
  curl_multi_cleanup(std::exchange(multi_, nullptr));
  curl_share_cleanup(std::exchange(share_, nullptr));
  for (auto& [fd, slot] : polls_) {
    uv_poll_stop(slot->poll.get());
    delete slot;
  }
  polls_.clear();
  uv_timer_stop(timer_.get());
  timer_.close();
}

}  // namespace crawler::async
