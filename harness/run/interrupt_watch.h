// SIGINT/SIGTERM turned into something poll() can wait on (a self-pipe), so the
// orchestrator's event loop handles an interrupt like any other event. Watches nest: an
// inner one (the orchestrator's) shares the outer one's pipe (`run --local`, `matrix`,
// which must also notice an interrupt while a cluster spins up or goes down).
#pragma once

namespace ra2cert {

class InterruptWatch {
 public:
  InterruptWatch();   // the outermost installs the handlers
  ~InterruptWatch();  // the outermost restores the previous ones
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  int fd() const;  // readable after a signal
  int Drain();     // how many signals arrived since the last call
};

}  // namespace ra2cert
