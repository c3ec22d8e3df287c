import { Global, Module } from '@nestjs/common';
import { AccountSettingsService } from './account-settings.service.js';
import { SettingsController } from './settings.controller.js';

/** Account settings; every channel module reads and changes its own section through AccountSettingsService. */
@Global()
@Module({
  controllers: [SettingsController],
  providers: [AccountSettingsService],
  exports: [AccountSettingsService],
})
export class SettingsModule {}
