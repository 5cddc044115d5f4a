import { SetMetadata } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';

export const PUBLIC_ROUTE = 'vx11:public';

/** A predicate deciding at request time whether the route is public (e.g. metricsPublic). */
export type PublicWhen = (config: AppConfig) => boolean;

/** Marks a route as reachable without the token. Only CONTRACT §2's public routes use it. */
export const Public = (when: PublicWhen = () => true) => SetMetadata(PUBLIC_ROUTE, when);
