/** Where every operation is served; the Ingress routes this prefix to the API. */
export const apiBasePath = '/api/v1';
