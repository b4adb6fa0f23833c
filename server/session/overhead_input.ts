/** The overhead model's usage summary now lives in the simulator core (server/sim/swap_usage.ts). */
export { overheadInput } from '../sim/swap_usage';
