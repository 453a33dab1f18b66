// SIGINT/SIGTERM turned into something poll() can wait on (a self-pipe), so the
// orchestrator's event loop handles an interrupt like any other event.
#pragma once

namespace ra2cert {

class InterruptWatch {
 public:
  InterruptWatch();   // installs the handlers
  ~InterruptWatch();  // restores the previous ones
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  int fd() const;  // readable after a signal
  int Drain();     // how many signals arrived since the last call
};

}  // namespace ra2cert
