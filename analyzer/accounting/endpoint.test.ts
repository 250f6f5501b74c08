import { describe, expect, it } from 'vitest';
import { endpointOf, templatePath } from './endpoint.js';
import type { Span } from '../model/span.js';

const root = (attributes: Span['attributes'], kind: Span['kind'] = 'server', name = 'GET'): Span =>
  ({ traceId: 't', spanId: 's', name, kind, service: 'svc', language: 'nodejs', startUs: 0, endUs: 1, attributes, events: [], status: 'unset', links: [] }) as Span;

describe('endpointOf', () => {
  it('uses the route template when the server recorded one (stable and older keys)', () => {
    expect(endpointOf(root({ 'http.request.method': 'GET', 'http.route': '/orders/:id' })).endpoint).toBe('GET /orders/:id');
    expect(endpointOf(root({ 'http.method': 'POST', 'http.route': '/pay' })).endpoint).toBe('POST /pay');
  });
  it('templates the raw path when there is no route, so ids and queries do not split endpoints', () => {
    expect(endpointOf(root({ 'http.method': 'GET', 'http.target': '/orders/17?token=abc' })).endpoint).toBe('GET /orders/:id');
    expect(endpointOf(root({ 'http.request.method': 'GET', 'url.path': '/u/3f2b0c1e-9a7d-4c1e-8f00-123456789abc/photos' })).endpoint).toBe('GET /u/:id/photos');
    expect(endpointOf(root({ 'http.method': 'GET', 'http.url': 'http://h:1/a/99?q=1' })).endpoint).toBe('GET /a/:id');
  });
  it('names gRPC by service/method and anything else by the root span name', () => {
    expect(endpointOf(root({ 'rpc.service': 'Cart', 'rpc.method': 'Add' })).endpoint).toBe('Cart/Add');
    expect(endpointOf(root({ 'http.method': 'GET', 'http.target': '/x' }, 'client', 'GET')).endpoint).toBe('GET');
    expect(endpointOf(root({}, 'consumer', 'orders process')).endpoint).toBe('orders process');
  });
  it('keeps words and short slugs as they are', () => {
    expect(templatePath('/api/v2/users/me')).toBe('/api/v2/users/me');
    expect(templatePath('')).toBe('/');
  });
});
