/** Events a page sends up to the shell (they bubble from the page's element). */

/** Confirms something in words for a moment (a switch, a save): `detail` is the text. */
export const TOAST_EVENT = 'clp-toast';
/** Opens one request's detail on the Requests page: `detail` is its id. */
export const OPEN_REQUEST_EVENT = 'clp-open-request';
/** Goes to another page: `detail` is its name. */
export const GO_EVENT = 'clp-go';
