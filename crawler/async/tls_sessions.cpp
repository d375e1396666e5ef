// TlsSessions: see tls_sessions.hpp.
#include "crawler/async/tls_sessions.hpp"

#include <openssl/ssl.h>

#include <ctime>
#include <memory>
#include <utility>

namespace crawler::async {

namespace {

// What a connection's SSL_CTX carries (its ex data): where its sessions go.
struct Peer {
  TlsSessions* sessions;
  std::string origin;
};

void free_peer(void*, void* peer, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<Peer*>(peer);
}

int peer_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, &free_peer);
  return index;
}

Peer* peer_of(const SSL* ssl) {
  return static_cast<Peer*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), peer_index()));
}

bool expired(const SSL_SESSION* session) {
  return SSL_SESSION_get_time(session) + SSL_SESSION_get_timeout(session) < std::time(nullptr);
}

// The info callback, as a handshake starts: the first one of a connection,
// before its ClientHello is made, takes the origin's session.
void on_info(const SSL* ssl, int where, int) {
  if (!(where & SSL_CB_HANDSHAKE_START) || !SSL_in_before(ssl)) return;
  Peer* peer = peer_of(ssl);
  SSL_SESSION* session = peer ? peer->sessions->find(peer->origin) : nullptr;
  // OpenSSL hands the callback a const SSL, but this is the connection's
  // own handshake, not begun yet: setting its session is what it is for.
  // SSL_set_session takes a reference of its own.
  if (session && !expired(session)) SSL_set_session(const_cast<SSL*>(ssl), session);
}

// OpenSSL's new-session callback: a session (TLS 1.3: a ticket) the
// server issued. Returns 1: the reference it came with is ours.
int on_new_session(SSL* ssl, SSL_SESSION* session) {
  TlsSessions::Session owned(session);
  Peer* peer = peer_of(ssl);
  if (!peer || !SSL_SESSION_is_resumable(session)) return 1;
  try {
    peer->sessions->keep(peer->origin, std::move(owned));
  } catch (...) {
    // Out of memory: the next connection makes a full handshake.
  }
  return 1;
}

}  // namespace

bool TlsSessions::attach(void* ssl_ctx, std::string_view origin) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  int index = peer_index();
  if (index < 0) return false;
  auto peer = std::make_unique<Peer>(Peer{this, std::string(origin)});
  auto* before = static_cast<Peer*>(SSL_CTX_get_ex_data(ctx, index));
  if (!SSL_CTX_set_ex_data(ctx, index, peer.get())) return false;
  (void)peer.release();  // free_peer deletes it with the SSL_CTX
  delete before;         // a second attach replaces the first
  // The client cache mode is what makes OpenSSL call the new-session
  // callback; NO_INTERNAL: the sessions are ours to keep, not the context's.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
  SSL_CTX_sess_set_new_cb(ctx, &on_new_session);
  SSL_CTX_set_info_callback(ctx, &on_info);
  return true;
}

void TlsSessions::SessionFree::operator()(ssl_session_st* session) const {
  SSL_SESSION_free(session);
}

void TlsSessions::keep(std::string_view origin, Session session) {
  if (max_sessions_ == 0) return;
  if (auto found = index_.find(origin); found != index_.end()) {
    found->second->session = std::move(session);
    entries_.splice(entries_.begin(), entries_, found->second);
    return;
  }
  entries_.push_front(Entry{std::string(origin), std::move(session)});
  index_.emplace(entries_.front().origin, entries_.begin());
  if (entries_.size() > max_sessions_) {
    index_.erase(entries_.back().origin);
    entries_.pop_back();
  }
}

ssl_session_st* TlsSessions::find(std::string_view origin) {
  auto found = index_.find(origin);
  if (found == index_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, found->second);  // iterators stay valid
  return found->second->session.get();
}

}  // namespace crawler::async
