import { Injectable } from '@nestjs/common';
import {
  BreakerOptions,
  BreakerSnapshot,
  CircuitBreaker,
  DEFAULT_BREAKER_OPTIONS,
} from './circuit-breaker';

/** Every circuit breaker in the process, by name; /vx11/circuit-breaker/status reads it. */
@Injectable()
export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();

  /** Returns the breaker of that name, creating it on first use. */
  register(name: string, options: BreakerOptions = DEFAULT_BREAKER_OPTIONS): CircuitBreaker {
    let breaker = this.breakers.get(name);
    if (!breaker) {
      breaker = new CircuitBreaker(name, options);
      this.breakers.set(name, breaker);
    }
    return breaker;
  }

  get(name: string): CircuitBreaker | undefined {
    return this.breakers.get(name);
  }

  unregister(name: string): void {
    this.breakers.delete(name);
  }

  snapshot(): Record<string, BreakerSnapshot> {
    return Object.fromEntries([...this.breakers].map(([name, b]) => [name, b.snapshot()]));
  }
}
