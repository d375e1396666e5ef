// AddressSlots: the politeness owed to a server address, whatever the
// number of names (origins) that point at it. Per address it counts the
// fetches in flight and spaces their starts; origins that found their
// address busy wait here ("parked"), first come first served, until a
// fetch to it ends or its next start is due. Decisions only: no I/O, no
// threads, time comes in as arguments (the Frontier owns one).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace crawler {

class AddressSlots {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Millis = std::chrono::milliseconds;

  struct Limits {
    std::size_t max_in_flight = 0;  // fetches in flight to one address; 0: no cap
    Millis spacing{0};              // between starts of fetches to one address; 0: none
  };

  explicit AddressSlots(Limits limits) : limits_(limits) {}

  /// Whether any limit applies at all (without one, nothing here is needed).
  bool limited() const { return limits_.max_in_flight > 0 || limits_.spacing.count() > 0; }

  /// When a fetch to `address` may start: `now` or a later time, or nullopt
  /// while the address has its fill of fetches in flight (one must end first).
  std::optional<TimePoint> may_start(std::string_view address, TimePoint now) const;
  /// A fetch to `address` started at `now`.
  void started(std::string_view address, TimePoint now);
  /// A fetch to `address` ended.
  void ended(std::string_view address);
  /// `count` fetches in flight were counted at `from` and go to `to` now
  /// (the origin's name resolved to another address).
  void moved(std::string_view from, std::string_view to, std::size_t count);

  /// The origin waits for `address`. Returns true when the caller should
  /// arrange a wake-up at `*wake` (none is pending for the address yet).
  bool park(std::string_view address, std::string origin, TimePoint now,
            std::optional<TimePoint>* wake);
  /// The address's wake-up came (or a fetch ended): the origins to try again
  /// now, oldest first, at most as many as may start. `still_waiting` tells
  /// whether a parked origin is still waiting for this address (origins that
  /// moved or left are skipped). Sets `*wake` when origins remain parked
  /// and a later wake-up must be arranged.
  std::vector<std::string> unpark(std::string_view address, TimePoint now,
                                  const std::function<bool(std::string_view)>& still_waiting,
                                  std::optional<TimePoint>* wake);
  /// After ended(): true when origins wait for the address and no wake-up is
  /// pending; the caller arranges one at `*wake`.
  bool wake_wanted(std::string_view address, TimePoint now, std::optional<TimePoint>* wake);

  std::size_t in_flight(std::string_view address) const;
  std::size_t parked(std::string_view address) const;
  std::size_t size() const { return slots_.size(); }
  /// Forgets addresses with nothing in flight, nobody waiting and no spacing left.
  void forget_idle(TimePoint now);

 private:
  struct Slot {
    std::size_t in_flight = 0;
    TimePoint next_start{};
    std::deque<std::string> parked;
    bool wake_pending = false;
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  using SlotMap = std::unordered_map<std::string, Slot, NameHash, std::equal_to<>>;

  Slot& slot(std::string_view address);
  std::optional<TimePoint> due(const Slot& slot, TimePoint now) const;
  std::size_t room(const Slot& slot) const;

  Limits limits_;
  SlotMap slots_;
};

}  // namespace crawler
