// PgStore: see pg_store.hpp.
#include "storage/postgres/pg_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <unordered_set>

#include "parsers/url.hpp"
#include "storage/postgres/pg_schema.hpp"
#include "storage/postgres/search_terms.hpp"

namespace crawler::storage {

namespace {

using pg::Param;

Param optional_text(const std::string& text) {
  return text.empty() ? Param{} : Param{text};
}

Param number(std::int64_t value) {
  return std::to_string(value);
}

// The revisit interval in seconds, and when it ends (Unix ms); NULLs for none.
void push_next_visit(std::vector<Param>& params, const PageRecord& page) {
  bool revisits = page.revisit_after_s > 0;
  params.push_back(revisits ? number(page.revisit_after_s) : Param{});
  params.push_back(revisits ? number(page.fetched_at_ms + page.revisit_after_s * 1000) : Param{});
}

// $1..$26: the page's columns, as PageStore binds them ($24: indexed,
// $26: the server address); $27: its search vector, if `searchable`
// (whether or not indexed now: a changed page already in the index stays in
// it).
std::vector<Param> page_params(std::int64_t url_id, const PageRecord& page, bool indexed,
                               bool searchable) {
  std::vector<Param> params;
  params.reserve(27);
  params.push_back(number(url_id));
  params.push_back(page.url);
  params.push_back(optional_text(page.final_url));
  params.push_back(number(page.depth));
  params.push_back(page.status > 0 ? number(page.status) : Param{});
  params.push_back(optional_text(page.content_type));
  params.push_back(optional_text(page.title));
  params.push_back(iso8601_utc(page.fetched_at_ms));
  params.push_back(number(page.bytes));
  params.push_back(std::to_string(page.duration_ms));
  params.push_back(optional_text(page.error));
  params.push_back(optional_text(page.error_detail));
  params.push_back(number(page.truncated ? 1 : 0));
  params.push_back(number(page.attempts));
  params.push_back(optional_text(page.redirect_to));
  params.push_back(optional_text(page.canonical));
  params.push_back(number(page.noindex ? 1 : 0));
  params.push_back(optional_text(page.text));
  params.push_back(optional_text(page.etag));
  params.push_back(optional_text(page.last_modified));
  params.push_back(optional_text(page.content_hash));
  push_next_visit(params, page);
  params.push_back(number(indexed ? 1 : 0));
  params.push_back(number(static_cast<std::int64_t>(page.links_dropped)));
  params.push_back(optional_text(page.address));
  params.push_back(searchable ? Param::binary(pg::search_vector_binary(page.title, page.text))
                              : Param{});
  return params;
}

// The page columns, as page_params() gives them, with their types.
const std::vector<std::pair<const char*, const char*>> kPageColumns = {
    {"url_id", "bigint"},
    {"url", "text"},
    {"final_url", "text"},
    {"depth", "int"},
    {"status", "int"},
    {"content_type", "text"},
    {"title", "text"},
    {"fetched_at", "text"},
    {"bytes", "bigint"},
    {"duration_ms", "float8"},
    {"error", "text"},
    {"error_detail", "text"},
    {"truncated", "int"},
    {"attempts", "int"},
    {"redirect_to", "text"},
    {"canonical", "text"},
    {"noindex", "int"},
    {"text", "text"},
    {"etag", "text"},
    {"last_modified", "text"},
    {"content_hash", "text"},
    {"revisit_after_s", "bigint"},
    {"next_visit_ms", "bigint"},
    {"indexed", "int"},
    {"links_dropped", "int"},
    {"address", "text"},
    {"search", "tsvector"}};  // last: insert_pages sends it as a binary tsvector array

// Every new page of a batch in one statement: one array per column.
std::string insert_pages_sql() {
  std::string names, arrays;
  for (std::size_t c = 0; c < kPageColumns.size(); ++c) {
    names += (c ? ", " : "") + std::string(kPageColumns[c].first);
    arrays += (c ? ", $" : "$") + std::to_string(c + 1) + "::" + kPageColumns[c].second + "[]";
  }
  return "INSERT INTO pages(" + names + ") SELECT " + names + " FROM unnest(" + arrays + ") AS p(" +
         names + ") ON CONFLICT (url_id) DO NOTHING RETURNING id, url_id";
}
const std::string kInsertPages = insert_pages_sql();

// A changed page is rewritten in place; it enters the index if it was in
// it, or if it is to be indexed now ($24), as PageStore's triggers do.
const std::string kUpdatePage =
    "UPDATE pages SET final_url = $3, depth = $4, status = $5, content_type = $6,"
    " title = $7, fetched_at = $8, bytes = $9, duration_ms = $10, error = $11,"
    " error_detail = $12, truncated = $13, attempts = $14, redirect_to = $15,"
    " canonical = $16, noindex = $17, text = $18, etag = $19, last_modified = $20,"
    " content_hash = $21, revisit_after_s = $22, next_visit_ms = $23,"
    " links_dropped = $25, changes = changes + 1, indexed = greatest(indexed, $24::int),"
    " address = $26,"
    " search = CASE WHEN greatest(indexed, $24::int) = 1 THEN $27::tsvector END"
    " WHERE url_id = $1 AND $2::text IS NOT NULL";

// A crawler frozen inside a transaction (SIGSTOP, a paused virtual machine)
// would hold its row locks, and with them the origins it had leased, past
// its leases: the others' claims skip locked rows. The server ends such a
// session instead. No transaction of ours waits between statements, so
// 5 s idle is a frozen client; it reconnects when it wakes, and its batch
// is fenced then.
const std::string kSessionSetup = "SET idle_in_transaction_session_timeout = '5s'";

// Lease times are Unix ms on the database's clock, the one all machines share.
const std::string kNowMs = "(extract(epoch FROM now()) * 1000)::bigint";

// The class of the advisory locks that guard a run's page budget (the
// second key is the run); the schema's lock is a single key, another space.
constexpr int kBudgetLockClass = 0x63726177;
// And of those that make crawlers learning one server address take turns
// (the second key is a hash of the address).
constexpr int kAddressLockClass = 0x61646472;

std::string worker_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(::getpid());
}

std::vector<std::string> sorted_unique(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return items;
}

}  // namespace

PgStore::PgStore(const std::string& uri, const StoreOptions& options)
    : index_text_(options.index_text),
      writer_(uri, kSessionSetup),
      refills_(uri, kSessionSetup),
      seen_(uri, kSessionSetup),
      robots_(uri, kSessionSetup),
      due_(uri, kSessionSetup),
      leases_(uri, kSessionSetup),
      polls_(uri, kSessionSetup) {
  pg::migrate(writer_);
  worker_ = std::string(writer_
                            .exec("INSERT INTO workers(name, started_ms, seen_ms) VALUES ($1, " +
                                      kNowMs + ", " + kNowMs + ") RETURNING id",
                                  {worker_name()})
                            .text(0, 0));
  // The queued count's rows of sessions gone fold into row 0 (schema
  // version 9), so that the rows stay about as many as live sessions. A
  // session that starts meanwhile with a gone one's pid waits for this.
  writer_.exec(
      "WITH gone AS (DELETE FROM queued_counts WHERE slot <> 0 AND slot NOT IN"
      " (SELECT pid FROM pg_stat_activity) RETURNING delta)"
      " INSERT INTO queued_counts(slot, delta) SELECT 0, coalesce(sum(delta), 0) FROM gone"
      " ON CONFLICT (slot) DO UPDATE SET delta = queued_counts.delta + excluded.delta");
  refresh_queued_url_count();
}

std::size_t PgStore::write(std::span<const PageRecord> pages) {
  pg::Transaction transaction(writer_, true);
  std::vector<bool> held = still_held(pages);
  UrlIds ids = page_url_ids(pages);
  Staged staged;
  std::vector<const PageRecord*> fresh;
  std::size_t fenced = 0;
  std::int64_t stored = 0;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const PageRecord& page = pages[i];
    if (page.robots) keep_robots(*page.robots);
    if (page.control) keep_control(*page.control);
    if (page.queue_only) {
      stage_queued(page, std::nullopt, staged);
    } else if (!held[i]) {
      ++fenced;  // its URL stays queued: the origin's holder fetches it
    } else if (page.revisit) {
      write_revisit(page, ids, staged);
      ++stored;
    } else {
      fresh.push_back(&page);
      ++stored;
    }
  }
  std::size_t stored_before = insert_pages(fresh, ids, staged);
  fenced += stored_before;
  stored -= static_cast<std::int64_t>(stored_before);
  write_staged(staged, ids);
  if (stored > 0)
    writer_.defer("UPDATE workers SET pages = pages + $2 WHERE id = $1", {worker_, number(stored)});
  transaction.commit();
  remember(ids);
  return fenced;
}

// Which pages' origins this worker still holds under the epoch it claimed.
// The rows are share-locked to the commit, so no claim can slip in between
// (claims skip locked rows). Only the epoch is compared: a lease that merely
// lapsed, which nobody claimed since, still covers the pages fetched under it.
std::vector<bool> PgStore::still_held(std::span<const PageRecord> pages) {
  std::vector<bool> held(pages.size(), false);
  std::vector<std::string> origins;
  std::vector<std::int64_t> epochs;
  {
    std::lock_guard lock(epochs_mutex_);
    std::vector<std::string> wanted;
    for (const PageRecord& page : pages)
      if (!page.queue_only) wanted.emplace_back(parsers::normalized_origin(page.url));
    for (const std::string& origin : sorted_unique(std::move(wanted))) {
      if (auto it = epochs_.find(origin); it != epochs_.end()) {
        origins.push_back(origin);
        epochs.push_back(it->second);
      }
    }
  }
  if (origins.empty()) return held;
  pg::Result found = writer_.exec_prepared(
      "SELECT h.origin FROM hosts h JOIN unnest($1::text[], $2::bigint[]) AS q(origin, epoch)"
      " ON h.origin = q.origin AND h.epoch = q.epoch ORDER BY h.origin FOR SHARE OF h",
      {pg::array_literal(origins), pg::array_literal(epochs)});
  std::vector<std::string_view> kept;
  for (int row = 0; row < found.rows(); ++row) kept.push_back(found.text(row, 0));
  for (std::size_t i = 0; i < pages.size(); ++i) {
    if (pages[i].queue_only) continue;
    std::string_view origin = parsers::normalized_origin(pages[i].url);
    held[i] = std::find(kept.begin(), kept.end(), origin) != kept.end();
  }
  return held;
}

LeaseGrant PgStore::lease(const LeaseRound& round) {
  LeaseGrant grant;
  Param lease_ms = number(round.lease_ms);
  std::vector<std::pair<std::string, std::int64_t>> claimed;
  pg::Transaction transaction(leases_, true);
  // First, as its advisory locks must come before any row lock.
  if (!round.addresses.empty()) take_addresses(round, grant);
  // Rows are locked in origin order, as the writer's fencing check locks
  // them: the two never wait on each other in a circle.
  if (!round.release.empty())
    leases_.defer(
        "UPDATE hosts SET holder = NULL, lease_until = 0 WHERE origin IN (SELECT origin FROM hosts"
        " WHERE holder = $1 AND origin = ANY($2::text[]) ORDER BY origin FOR UPDATE)",
        {worker_, pg::array_literal(sorted_unique(round.release))});
  if (!round.renew.empty()) {
    pg::Result renewed = leases_.exec_prepared(
        "UPDATE hosts SET lease_until = " + kNowMs +
            " + $3 WHERE origin IN (SELECT origin FROM hosts WHERE holder = $1"
            " AND origin = ANY($2::text[]) ORDER BY origin FOR UPDATE) RETURNING origin",
        {worker_, pg::array_literal(sorted_unique(round.renew)), lease_ms});
    for (int row = 0; row < renewed.rows(); ++row) grant.renewed.emplace_back(renewed.text(row, 0));
  }
  if (round.claim > 0) {
    // Free origins with queued URLs, or (serve) with pages due for a
    // revisit; those another worker is claiming are skipped, not waited for.
    // Due origins are looked for among the 1,000 most overdue pages: a bound
    // on each round's work. Their holders revisit them, so the walk moves on.
    // OFFSET 0 keeps the queued check a probe of each free origin, stopping
    // at its first queued URL: as a join, the planner walked the whole
    // queue index, with the entries of URLs done since, from its start
    // (bench/scale_out: 7 ms of each round's 8).
    pg::Result found = leases_.exec_prepared(
        "WITH due AS (SELECT u.origin FROM pages p JOIN urls u ON u.id = p.url_id"
        " WHERE $4::bool AND p.next_visit_ms <= " +
            kNowMs +
            " ORDER BY p.next_visit_ms LIMIT 1000)"
            " UPDATE hosts h SET holder = $1, epoch = h.epoch + 1, lease_until = " +
            kNowMs +
            " + $3 FROM (SELECT c.origin FROM hosts c WHERE (c.holder IS NULL OR c.lease_until < " +
            kNowMs +
            ") AND (EXISTS (SELECT 1 FROM urls u WHERE u.state = 'queued' AND u.origin = c.origin"
            " OFFSET 0)"
            " OR c.origin IN (SELECT origin FROM due))"
            " AND NOT EXISTS (SELECT 1 FROM hosts o WHERE o.address = c.address"
            " AND o.holder <> $1 AND o.lease_until >= " +
            kNowMs +
            ")"
            " ORDER BY c.origin LIMIT $2 FOR UPDATE SKIP LOCKED) AS free"
            " WHERE h.origin = free.origin RETURNING h.origin, h.epoch",
        {worker_, number(static_cast<std::int64_t>(round.claim)), lease_ms,
         std::string(round.claim_due ? "true" : "false")});
    for (int row = 0; row < found.rows(); ++row) {
      claimed.emplace_back(found.text(row, 0), found.int64(row, 1));
      grant.claimed.emplace_back(found.text(row, 0));
    }
  }
  if (round.ask_fleet) {
    grant.fleet_done =
        leases_
            .exec(
                "SELECT (NOT EXISTS (SELECT 1 FROM urls WHERE state = 'queued') AND NOT EXISTS"
                " (SELECT 1 FROM hosts WHERE holder <> $1 AND lease_until >= " +
                    kNowMs + "))::int",
                {worker_})
            .int64(0, 0) != 0;
  }
  if (round.count_fleet > 0) count_fleet(round, grant);
  Param page_budget;
  if (round.max_pages > 0) page_budget = number(budget_pages(round, grant));
  // Last, as the writer takes its locks in the same order (hosts, then workers).
  leases_.defer("UPDATE workers SET seen_ms = " + kNowMs +
                    ", stopped = $2, page_budget = coalesce($3, page_budget) WHERE id = $1",
                {worker_, std::string(round.leaving ? "true" : "false"), page_budget});
  transaction.commit();
  std::lock_guard lock(epochs_mutex_);
  for (const std::string& origin : round.release) epochs_.erase(origin);
  for (const std::string& origin : grant.yielded) epochs_.erase(origin);
  for (auto& [origin, epoch] : claimed) epochs_[origin] = epoch;
  return grant;
}

// One crawler at a time serves a server address: an origin whose address
// another live crawler serves (holds an origin on it) is given up at once,
// before anything was fetched from it, and left to that crawler (claims
// skip it). Crawlers learning one address take turns under a lock per
// address, so the first to learn it keeps it and the second sees it taken.
// (A claim of an origin whose address is known does not take the lock:
// its claimer still learns the address, and gives it up here if need be.)
void PgStore::take_addresses(const LeaseRound& round, LeaseGrant& grant) {
  std::vector<std::string> origins, addresses;
  for (const auto& [origin, address] : round.addresses) {
    origins.push_back(origin);
    addresses.push_back(address);
  }
  leases_.exec_prepared("SELECT pg_advisory_xact_lock(" + std::to_string(kAddressLockClass) +
                            ", hashtext(a)) FROM (SELECT DISTINCT a FROM unnest($1::text[]) AS a"
                            " ORDER BY a OFFSET 0) AS sorted",
                        {pg::array_literal(addresses)});
  pg::Result kept = leases_.exec_prepared(
      "UPDATE hosts h SET address = q.address,"
      " holder = CASE WHEN q.taken THEN NULL ELSE h.holder END,"
      " lease_until = CASE WHEN q.taken THEN 0 ELSE h.lease_until END"
      " FROM (SELECT m.origin, m.address, EXISTS (SELECT 1 FROM hosts o"
      " WHERE o.address = m.address AND o.holder <> $1 AND o.lease_until >= " +
          kNowMs +
          ") AS taken FROM unnest($2::text[], $3::text[]) AS m(origin, address)) AS q"
          " WHERE h.origin = q.origin AND h.origin IN (SELECT origin FROM hosts"
          " WHERE holder = $1 AND origin = ANY($2::text[]) ORDER BY origin FOR UPDATE)"
          " RETURNING h.origin, q.taken",
      {worker_, pg::array_literal(origins), pg::array_literal(addresses)});
  std::unordered_set<std::string_view> served;  // held, and nobody else serves the address
  for (int row = 0; row < kept.rows(); ++row)
    if (kept.text(row, 1) != "t") served.insert(kept.text(row, 0));
  for (const std::string& origin : origins)
    if (!served.contains(origin)) grant.yielded.push_back(origin);
}

// Live crawlers (seen within a lease, not stopped) and the origins with work:
// queued URLs (probed as the claim probes), a live lease, or (serve) pages
// due among the 1,000 most overdue, as the claim finds them. The origins are
// counted up to `count_fleet` per live crawler, a bound on each round's work
// that no share exceeds.
void PgStore::count_fleet(const LeaseRound& round, LeaseGrant& grant) {
  pg::Result counted = leases_.exec_prepared(
      "WITH live AS (SELECT count(*) AS n FROM workers WHERE NOT stopped AND seen_ms >= " + kNowMs +
          " - $1), due AS (SELECT u.origin FROM pages p JOIN urls u ON u.id = p.url_id" +
          " WHERE $3::bool AND p.next_visit_ms <= " + kNowMs +
          " ORDER BY p.next_visit_ms LIMIT 1000)"
          " SELECT n, (SELECT count(*) FROM (SELECT 1 FROM hosts c WHERE"
          " (c.holder IS NOT NULL AND c.lease_until >= " +
          kNowMs +
          ") OR EXISTS (SELECT 1 FROM urls u WHERE u.state = 'queued' AND u.origin = c.origin"
          " OFFSET 0) OR c.origin IN (SELECT origin FROM due)"
          " LIMIT (SELECT greatest(n, 1) * $2 FROM live)) AS s) FROM live",
      {number(round.lease_ms), number(static_cast<std::int64_t>(round.count_fleet)),
       std::string(round.claim_due ? "true" : "false")});
  grant.live_workers = static_cast<std::size_t>(counted.int64(0, 0));
  grant.origins_with_work = static_cast<std::size_t>(counted.int64(0, 1));
}

// --max-pages over the fleet. The crawlers of one run (those live together:
// a crawler joins the run of the live ones, or starts one) share the budget;
// each reserves what it will start before its next round, under a lock per
// run, and gives back what it did not use. Returns this crawler's budget.
std::int64_t PgStore::budget_pages(const LeaseRound& round, LeaseGrant& grant) {
  if (run_ == 0)
    run_ = leases_
               .exec_prepared(
                   "UPDATE workers SET run = (SELECT min(coalesce(w.run, w.id)) FROM workers w"
                   " WHERE w.id = $1 OR (NOT w.stopped AND w.seen_ms >= " +
                       kNowMs + " - $2)) WHERE id = $1 RETURNING run",
                   {worker_, number(round.lease_ms)})
               .int64(0, 0);
  Param run = number(run_);
  leases_.exec_prepared("SELECT pg_advisory_xact_lock(" + std::to_string(kBudgetLockClass) +
                            ", ($1::bigint % 2147483647)::int)",
                        {run});
  pg::Result run_workers = leases_.exec_prepared(
      "SELECT coalesce(sum(page_budget) FILTER (WHERE id <> $2), 0)::bigint,"
      " coalesce(sum(pages), 0)::bigint FROM workers WHERE run = $1",
      {run, worker_});
  std::int64_t others = run_workers.int64(0, 0);
  grant.run_pages_stored = run_workers.int64(0, 1);
  std::int64_t mine =
      std::max(round.pages_started,
               std::min(round.pages_started + round.pages_wanted, round.max_pages - others));
  grant.pages_allowed = mine;
  grant.pages_spent = others + mine >= round.max_pages;
  return mine;
}

// The ids of the pages' own URLs: they were queued, so the database has
// them and this takes no lock. A URL it lacks (a page of a database replaced
// meanwhile) goes in as linked, and the batch marks it done.
PgStore::UrlIds PgStore::page_url_ids(std::span<const PageRecord> pages) {
  UrlIds ids;
  std::vector<std::string> unknown;
  for (const PageRecord& page : pages) {
    if (page.queue_only) continue;
    if (auto id = known_ids_.find(page.url)) {
      ids.emplace(page.url, *id);
    } else {
      unknown.push_back(page.url);
    }
  }
  if (unknown.empty()) return ids;
  unknown = sorted_unique(std::move(unknown));
  pg::Result found = writer_.exec_prepared("SELECT url, id FROM urls WHERE url = ANY($1::text[])",
                                           {pg::array_literal(unknown)});
  for (int row = 0; row < found.rows(); ++row)
    ids.emplace(std::string(found.text(row, 0)), found.int64(row, 1));
  if (static_cast<std::size_t>(found.rows()) < unknown.size()) {
    std::erase_if(unknown, [&](const std::string& url) { return ids.contains(url); });
    add_urls(unknown, {}, ids);
  }
  return ids;
}

// Adds the ids of `urls` (sorted, unique, none known yet) to `ids`, inserting
// the URLs the database lacks in their final state: queued, with what
// `queued` says of them, or else linked. One row version where inserting and
// then queueing made two, each with its own index entries. Returns the
// URLs inserted queued; the others in `queued` may still be merely linked.
// Sorted, so that workers inserting overlapping URLs take their row locks
// in one order (no deadlocks between them).
std::unordered_set<std::string_view> PgStore::add_urls(const std::vector<std::string>& urls,
                                                       const QueuedByUrl& queued, UrlIds& ids) {
  std::unordered_set<std::string_view> queued_now;
  if (urls.empty()) return queued_now;
  std::vector<Param> states, depths, origins, sources, found_on;
  for (const std::string& url : urls) {
    auto it = queued.find(url);
    const Staged::Queued* q = it == queued.end() ? nullptr : it->second;
    states.emplace_back(q ? "queued" : "linked");
    depths.push_back(q ? number(q->depth) : Param{});
    origins.push_back(q ? Param{std::string(parsers::normalized_origin(url))} : Param{});
    sources.push_back(q ? Param{std::string(queue_source_name(q->source))} : Param{});
    found_on.push_back(q && q->found_on ? number(*q->found_on) : Param{});
  }
  std::string array = pg::array_literal(urls);
  pg::Result inserted = writer_.exec_prepared(
      "INSERT INTO urls(url, state, depth, origin, source, found_on) SELECT * FROM unnest("
      "$1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::bigint[])"
      " ON CONFLICT (url) DO NOTHING RETURNING url, id, state",
      {array, pg::array_literal(states), pg::array_literal(depths), pg::array_literal(origins),
       pg::array_literal(sources), pg::array_literal(found_on)});
  for (int row = 0; row < inserted.rows(); ++row) {
    auto [it, added] = ids.emplace(std::string(inserted.text(row, 0)), inserted.int64(row, 1));
    if (inserted.text(row, 2) == "queued") queued_now.insert(it->first);
  }
  if (static_cast<std::size_t>(inserted.rows()) == urls.size()) return queued_now;
  pg::Result found =
      writer_.exec_prepared("SELECT url, id FROM urls WHERE url = ANY($1::text[])", {array});
  for (int row = 0; row < found.rows(); ++row)
    ids.emplace(std::string(found.text(row, 0)), found.int64(row, 1));
  return queued_now;
}

// New pages, all in one statement; what each adds is staged for the batch.
// Returns how many were stored already (by a crawler that held the origin
// before): those are left as they are, not stored twice.
std::size_t PgStore::insert_pages(const std::vector<const PageRecord*>& fresh, const UrlIds& ids,
                                  Staged& staged) {
  if (fresh.empty()) return 0;
  std::vector<std::vector<Param>> columns(kPageColumns.size());
  for (const PageRecord* page : fresh) {
    bool indexed = index_text_ && (!page->title.empty() || !page->text.empty());
    std::vector<Param> row = page_params(ids.at(page->url), *page, indexed, indexed);
    for (std::size_t c = 0; c < columns.size(); ++c) columns[c].push_back(std::move(row[c]));
  }
  std::vector<Param> arrays;
  for (std::size_t c = 0; c + 1 < columns.size(); ++c)
    arrays.emplace_back(kPageColumns[c].second == std::string_view("text")
                            ? pg::binary_text_array(columns[c])
                            : pg::array_literal(columns[c]));
  arrays.emplace_back(pg::binary_array(pg::kTsvectorOid, columns.back()));  // the search vectors
  pg::Result inserted = writer_.exec_prepared(kInsertPages, arrays);
  std::unordered_map<std::int64_t, std::int64_t> page_ids;  // url id -> page id
  for (int row = 0; row < inserted.rows(); ++row)
    page_ids.emplace(inserted.int64(row, 1), inserted.int64(row, 0));
  std::size_t stored_before = 0;
  for (const PageRecord* page : fresh) {
    std::int64_t url_id = ids.at(page->url);
    auto inserted_as = page_ids.find(url_id);
    if (inserted_as == page_ids.end()) {
      ++stored_before;
      continue;
    }
    std::int64_t page_id = inserted_as->second;
    staged.done_ids.push_back(url_id);
    staged.done_depths.push_back(page->depth);
    stage_links(page_id, *page, staged);
    write_response(page_id, *page);
  }
  return stored_before;
}

void PgStore::write_revisit(const PageRecord& page, const UrlIds& ids, Staged& staged) {
  std::int64_t url_id = ids.at(page.url);
  pg::Result found =
      writer_.exec_prepared("SELECT id FROM pages WHERE url_id = $1", {number(url_id)});
  if (found.rows() == 0) {
    // Stored by no one yet (the database was replaced?): a first visit.
    insert_pages({&page}, ids, staged);
    return;
  }
  std::int64_t page_id = found.int64(0, 0);
  if (page.unchanged) {
    std::vector<Param> params = {number(page_id), iso8601_utc(page.fetched_at_ms),
                                 number(page.attempts)};
    push_next_visit(params, page);
    params.push_back(optional_text(page.etag));
    params.push_back(optional_text(page.last_modified));
    writer_.defer(
        "UPDATE pages SET fetched_at = $2, attempts = $3, revisit_after_s = $4,"
        " next_visit_ms = $5, etag = coalesce($6, etag), last_modified = coalesce($7,"
        " last_modified) WHERE id = $1",
        params);
    return;
  }
  bool indexed = index_text_ && (!page.title.empty() || !page.text.empty());
  writer_.defer(kUpdatePage, page_params(url_id, page, indexed, true));
  writer_.defer("DELETE FROM links WHERE from_page = $1", {number(page_id)});
  stage_links(page_id, page, staged);
  write_response(page_id, page);
}

void PgStore::stage_links(std::int64_t page_id, const PageRecord& page, Staged& staged) {
  for (const std::string& link : page.links) staged.links.push_back({page_id, &link});
  stage_queued(page, page_id, staged);
}

// found_on: the page whose links or redirect named the URLs; none for seeds and sitemaps.
void PgStore::stage_queued(const PageRecord& page, std::optional<std::int64_t> found_on,
                           Staged& staged) {
  for (const std::string& url : page.queued)
    staged.queued.push_back({&url, page.queued_depth, page.queued_source, found_on});
}

// What the batch's records added, in one statement each.
// The new URLs go in first, in one sorted statement, before the batch locks
// any urls row: two workers inserting the same new URLs then wait for each
// other in one order, and neither holds a row the other waits for.
void PgStore::write_staged(const Staged& staged, UrlIds& ids) {
  // The first page to queue a URL says how (its depth, the page found on).
  QueuedByUrl queued;
  for (const Staged::Queued& q : staged.queued) queued.emplace(*q.url, &q);
  std::vector<std::string> unknown;
  auto look_up = [&](const std::string& url) {
    if (ids.contains(url)) return;
    if (auto id = known_ids_.find(url)) {
      ids.emplace(url, *id);
    } else {
      unknown.push_back(url);
    }
  };
  for (const auto& [from, to] : staged.links) look_up(*to);
  for (const Staged::Queued& q : staged.queued) look_up(*q.url);
  std::unordered_set<std::string_view> queued_now =
      add_urls(sorted_unique(std::move(unknown)), queued, ids);
  if (!staged.done_ids.empty())
    writer_.defer(
        "UPDATE urls u SET state = 'done', depth = q.depth"
        " FROM unnest($1::bigint[], $2::int[]) AS q(id, depth) WHERE u.id = q.id",
        {pg::array_literal(staged.done_ids), pg::array_literal(staged.done_depths)});
  write_links(staged, ids);
  if (queued.empty()) return;
  std::vector<std::string> origins;
  std::vector<Param> queued_ids, queued_origins, queued_depths, queued_sources, queued_found_on;
  for (const auto& [url, q] : queued) {
    origins.emplace_back(parsers::normalized_origin(url));
    if (queued_now.contains(url)) continue;  // inserted queued just now
    queued_ids.push_back(number(ids.at(std::string(url))));
    queued_origins.emplace_back(origins.back());
    queued_depths.push_back(number(q->depth));
    queued_sources.emplace_back(std::string(queue_source_name(q->source)));
    queued_found_on.push_back(q->found_on ? number(*q->found_on) : Param{});
  }
  // Only origins not there yet: inserting over a row a lease round is
  // updating would wait for that round, which may wait for this batch.
  writer_.defer(
      "INSERT INTO hosts(origin) SELECT o FROM unnest($1::text[]) AS o"
      " WHERE NOT EXISTS (SELECT 1 FROM hosts h WHERE h.origin = o) ON CONFLICT DO NOTHING",
      {pg::array_literal(sorted_unique(std::move(origins)))});
  if (queued_ids.empty()) return;
  // URLs the database had: queued if merely linked so far. Rows locked in
  // id order: workers queueing the same URLs never deadlock.
  writer_.defer(
      "WITH q AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[],"
      " $5::bigint[]) AS q(id, origin, depth, source, found_on)),"
      " locked AS (SELECT u.id FROM urls u JOIN q ON q.id = u.id WHERE u.state = 'linked'"
      " ORDER BY u.id FOR UPDATE OF u)"
      " UPDATE urls u SET state = 'queued', depth = q.depth, origin = q.origin,"
      " source = q.source, found_on = q.found_on FROM q JOIN locked ON locked.id = q.id"
      " WHERE u.id = q.id",
      {pg::array_literal(queued_ids), pg::array_literal(queued_origins),
       pg::array_literal(queued_depths), pg::array_literal(queued_sources),
       pg::array_literal(queued_found_on)});
}

// A batch's links, each once: a page's links go in beside the page (or
// after a revisit deleted its old ones), so no pair is there already and
// a plain insert does, without ON CONFLICT's speculative insertion.
void PgStore::write_links(const Staged& staged, const UrlIds& ids) {
  if (staged.links.empty()) return;
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  pairs.reserve(staged.links.size());
  for (const auto& [from, to] : staged.links) pairs.emplace_back(from, ids.at(*to));
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<std::int64_t> from, to;
  for (const auto& [f, t] : pairs) {
    from.push_back(f);
    to.push_back(t);
  }
  writer_.defer(
      "INSERT INTO links(from_page, to_url) SELECT * FROM unnest($1::bigint[], $2::bigint[])",
      {pg::binary_array(from), pg::binary_array(to)});
}

void PgStore::write_response(std::int64_t page_id, const PageRecord& page) {
  if (page.raw_head.empty()) return;
  writer_.defer(
      "INSERT INTO responses(page_id, request, head, body, body_size)"
      " VALUES ($1, $2::bytea, $3::bytea, $4::bytea, $5) ON CONFLICT (page_id) DO UPDATE SET"
      " request = excluded.request, head = excluded.head, body = excluded.body,"
      " body_size = excluded.body_size",
      {number(page_id), page.raw_request.empty() ? Param{} : pg::bytea_literal(page.raw_request),
       pg::bytea_literal(page.raw_head), pg::bytea_literal(deflate_text(page.raw_body)),
       number(static_cast<std::int64_t>(page.raw_body.size()))});
}

void PgStore::keep_control(const OriginControl& control) {
  writer_.defer(
      "INSERT INTO origin_controls(origin, paused, blocked, delay_ms, changed_at_ms)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (origin) DO UPDATE SET paused = excluded.paused,"
      " blocked = excluded.blocked, delay_ms = excluded.delay_ms,"
      " changed_at_ms = excluded.changed_at_ms",
      {control.origin, std::string(control.paused ? "true" : "false"),
       std::string(control.blocked ? "true" : "false"),
       control.delay_ms >= 0 ? number(control.delay_ms) : pg::Param{},
       number(control.changed_at_ms)});
}

void PgStore::keep_robots(const RobotsFile& robots) {
  writer_.defer(
      "INSERT INTO robots(origin, status, http_status, body, fetched_at_ms)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (origin) DO UPDATE SET status = excluded.status,"
      " http_status = excluded.http_status, body = excluded.body,"
      " fetched_at_ms = excluded.fetched_at_ms",
      {robots.origin, std::string(robots.parsed ? "parsed" : "allow_all"),
       number(robots.http_status), robots.body, number(robots.fetched_at_ms)});
}

void PgStore::queue(const std::vector<std::string>& urls, int depth, QueueSource source) {
  pg::Transaction transaction(writer_, true);
  PageRecord seeds;
  seeds.queue_only = true;
  seeds.queued = urls;
  seeds.queued_depth = depth;
  seeds.queued_source = source;
  UrlIds ids;
  Staged staged;
  stage_queued(seeds, std::nullopt, staged);
  write_staged(staged, ids);
  transaction.commit();
  remember(ids);
}

// Only once committed: a batch that rolls back takes its new rows, and their ids, with it.
void PgStore::remember(const UrlIds& ids) {
  for (const auto& [url, id] : ids) known_ids_.remember(url, id);
}

std::int64_t PgStore::page_count() {
  return writer_.exec("SELECT count(*) FROM pages").int64(0, 0);
}

std::optional<std::int64_t> PgStore::queued_url_count() const {
  std::int64_t count = queued_count_.load();
  if (count < 0) return std::nullopt;
  return count;
}

// The sum of the per-session rows the urls triggers keep (schema version 9).
void PgStore::refresh_queued_url_count() {
  std::lock_guard lock(polls_mutex_);
  std::int64_t count =
      polls_.exec_prepared("SELECT coalesce(sum(delta), 0)::bigint FROM queued_counts", {})
          .int64(0, 0);
  queued_count_.store(std::max<std::int64_t>(0, count));
}

std::vector<OriginControl> PgStore::origin_controls() {
  std::lock_guard lock(polls_mutex_);
  pg::Result rows = polls_.exec(
      "SELECT origin, paused::int, blocked::int, coalesce(delay_ms, -1), changed_at_ms"
      " FROM origin_controls ORDER BY origin");
  std::vector<OriginControl> controls;
  for (int i = 0; i < rows.rows(); ++i)
    controls.push_back({std::string(rows.text(i, 0)), rows.int64(i, 1) != 0, rows.int64(i, 2) != 0,
                        rows.int64(i, 3), rows.int64(i, 4)});
  return controls;
}

LeftByEarlierRuns PgStore::left_by_earlier_runs() {
  pg::Result left = writer_.exec(
      "SELECT EXISTS (SELECT 1 FROM urls WHERE state <> 'linked')::int,"
      " EXISTS (SELECT 1 FROM urls WHERE state = 'queued')::int");
  return {left.int64(0, 0) != 0, left.int64(0, 1) != 0};
}

// A probe of each held origin, as the lease claim's (OFFSET 0: see lease()).
std::optional<std::string> PgStore::queued_origin_after(const std::string& after) {
  pg::Result found = refills_.exec_prepared(
      "SELECT h.origin FROM hosts h WHERE h.holder = $2 AND h.origin > $1 AND EXISTS"
      " (SELECT 1 FROM urls u WHERE u.state = 'queued' AND u.origin = h.origin OFFSET 0)"
      " ORDER BY h.origin LIMIT 1",
      {after, worker_});
  if (found.rows() == 0) return std::nullopt;
  return std::string(found.text(0, 0));
}

std::vector<QueuedUrl> PgStore::oldest_queued(const std::string& origin, std::size_t limit) {
  pg::Result found = refills_.exec_prepared(
      "SELECT url, coalesce(depth, 0) FROM urls WHERE state = 'queued' AND origin = $1"
      " ORDER BY id LIMIT $2",
      {origin, number(static_cast<std::int64_t>(limit))});
  std::vector<QueuedUrl> urls;
  for (int row = 0; row < found.rows(); ++row)
    urls.push_back({std::string(found.text(row, 0)), static_cast<int>(found.int64(row, 1))});
  return urls;
}

std::vector<std::string> PgStore::seen_urls(SeenCursor& cursor, std::size_t limit) {
  pg::Result found = seen_.exec(
      "SELECT id, url FROM urls WHERE id > $1 AND state <> 'linked' ORDER BY id LIMIT $2",
      {number(cursor.after), number(static_cast<std::int64_t>(limit))});
  std::vector<std::string> urls;
  for (int row = 0; row < found.rows(); ++row) {
    cursor.after = found.int64(row, 0);
    urls.emplace_back(found.text(row, 1));
  }
  return urls;
}

std::int64_t PgStore::seen_url_count() {
  return seen_.exec("SELECT count(*) FROM urls WHERE state <> 'linked'").int64(0, 0);
}

std::optional<RobotsFile> PgStore::kept_robots(const std::string& origin) {
  std::lock_guard lock(robots_mutex_);
  pg::Result found = robots_.exec(
      "SELECT status, coalesce(http_status, 0), coalesce(body, ''), fetched_at_ms"
      " FROM robots WHERE origin = $1",
      {origin});
  if (found.rows() == 0) return std::nullopt;
  return RobotsFile{origin, found.text(0, 0) == "parsed", static_cast<long>(found.int64(0, 1)),
                    std::string(found.text(0, 2)), found.int64(0, 3)};
}

std::vector<DuePage> PgStore::due_pages(std::int64_t now_ms, int limit, DueCursor cursor) {
  pg::Result found = due_.exec(
      "SELECT p.url, p.depth, coalesce(p.etag, ''), coalesce(p.last_modified, ''),"
      " coalesce(p.content_hash, ''), p.revisit_after_s, p.next_visit_ms, p.id FROM pages p"
      " JOIN urls u ON u.id = p.url_id JOIN hosts h ON h.origin = u.origin AND h.holder = $5"
      " WHERE p.next_visit_ms <= $1 AND (p.next_visit_ms, p.id) > ($3, $4)"
      " ORDER BY p.next_visit_ms, p.id LIMIT $2",
      {number(now_ms), number(limit), number(cursor.next_visit_ms), number(cursor.page_id),
       worker_});
  std::vector<DuePage> due;
  for (int row = 0; row < found.rows(); ++row)
    due.push_back({std::string(found.text(row, 0)), static_cast<int>(found.int64(row, 1)),
                   std::string(found.text(row, 2)), std::string(found.text(row, 3)),
                   std::string(found.text(row, 4)), found.int64(row, 5), found.int64(row, 6),
                   found.int64(row, 7)});
  return due;
}

}  // namespace crawler::storage
