import { Injectable } from '@nestjs/common';
import { Mutex } from '../../../core/util/mutex';

/** Keeps verification and retention apart: a walk must not see the chain's start move. */
@Injectable()
export class LedgerLock extends Mutex {}
