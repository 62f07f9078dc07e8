import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { isPlainObject } from '../../shared/data/json-edit';
import { AllowedRootsService } from '../files/allowed-roots.service';
import { Live2dModelService } from './live2d-model.service';
import { readModelJson, writeModelJson } from './model-json.store';
import { errorText, wireFail, wireOk, type WireResult } from '../http/wire-outcome';
import { firstFileWithSuffix } from './model-tree.walker';

const PARAMETERS_FILE = 'parameters.json';

/** The parameter editor's endpoints: cdi3 parameter list and the model's parameters.json (spec §3.3). */
@Injectable()
export class Live2dParametersService {
  constructor(
    private readonly models: Live2dModelService,
    private readonly roots: AllowedRootsService,
  ) {}

  /** GET model_parameters: parameters and groups of the first *.cdi3.json of the model folder. */
  async parameters(name: string): Promise<WireResult> {
    const folder = await this.models.byName(name);
    if (folder === undefined) return wireFail(200, `模型 ${name} 不存在`);
    try {
      const file = await firstFileWithSuffix(folder.dir, '.cdi3.json');
      const path = file === undefined ? undefined : await (await this.roots.guard()).file(join(folder.dir, file));
      if (path === undefined) return wireFail(200, '未找到.cdi3.json文件');
      const cdi3 = await readModelJson(path);
      const data = isPlainObject(cdi3) ? cdi3 : {};
      const parameters: Array<{ id: unknown; groupId: unknown; name: unknown }> = [];
      for (const p of Array.isArray(data.Parameters) ? data.Parameters : []) {
        if (!isPlainObject(p) || !('Id' in p)) continue;
        parameters.push({ id: p.Id, groupId: 'GroupId' in p ? p.GroupId : '', name: 'Name' in p ? p.Name : p.Id });
      }
      const groups: Record<string, { id: unknown; name: unknown }> = {};
      for (const g of Array.isArray(data.ParameterGroups) ? data.ParameterGroups : []) {
        if (!isPlainObject(g) || !('Id' in g)) continue;
        groups[String(g.Id)] = { id: g.Id, name: 'Name' in g ? g.Name : g.Id };
      }
      return wireOk({ success: true, parameters, parameter_groups: groups });
    } catch (err) {
      return wireFail(200, errorText(err));
    }
  }

  /** POST save_model_parameters: writes `<model dir>/parameters.json` (indent 2). */
  async save(name: string, parameters: unknown): Promise<WireResult> {
    const folder = await this.models.byName(name);
    if (folder === undefined) return { status: 404, body: { success: false, error: `模型 ${name} 不存在` } };
    if (!isPlainObject(parameters)) return wireFail(400, '参数格式错误');
    try {
      const target = await (await this.roots.guard()).resolve(join(folder.dir, PARAMETERS_FILE));
      if (target === undefined) return wireFail(400, '非法文件路径');
      await writeModelJson(target, parameters, 2);
      return wireOk({ success: true, message: '参数保存成功' });
    } catch (err) {
      return wireFail(500, errorText(err));
    }
  }

  /** GET load_model_parameters: the saved parameters, `{}` when there are none. */
  async load(name: string): Promise<WireResult> {
    const folder = await this.models.byName(name);
    if (folder === undefined) return wireFail(200, `模型 ${name} 不存在`);
    try {
      const path = await (await this.roots.guard()).file(join(folder.dir, PARAMETERS_FILE));
      if (path === undefined) return wireOk({ success: true, parameters: {} });
      const parameters = await readModelJson(path);
      return wireOk({ success: true, parameters: isPlainObject(parameters) ? parameters : {} });
    } catch (err) {
      return wireFail(200, errorText(err), { parameters: {} });
    }
  }
}
