/** Byte counts for the CLI: the one formatter the Compare Designs view uses too. */
export { humanBytes } from '../../shared/units';
