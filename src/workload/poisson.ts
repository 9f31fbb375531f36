// Open-loop arrivals: a Poisson process, i.e. exponential gaps between requests.

/** Arrival times in ms of `count` requests at `rate` per second: the first at `start`, then exponential gaps. */
export function poissonArrivals(count: number, rate: number, random: () => number, start = 0): number[] {
  const times: number[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    if (i > 0) at += (-Math.log(1 - random()) / rate) * 1000; // inverse CDF of Exp(rate), in ms
    times.push(at);
  }
  return times;
}
