import { Injectable } from '@nestjs/common';
import { Mutex } from '../../../core/util/mutex';

/** Serializes madre's power decisions (window open/close, policy apply) with each other. */
@Injectable()
export class PowerLock extends Mutex {}
